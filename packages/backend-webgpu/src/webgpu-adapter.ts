/**
 * Whether this JavaScript environment gives a WebGPU adapter, checked before
 * tfjs tries: tfjs-backend-webgpu registers its backend only where
 * `navigator.gpu` exists at import time, and its factory reads
 * `adapter.features` of whatever `requestAdapter()` returned, so where no
 * adapter exists tfjs fails with "Cannot read properties of null" instead of
 * a reason.
 */
import { refuseNode } from '@mobilenet-kit/backend-tfjs';

/** What the adapter says about itself (GPUAdapterInfo), where the browser tells it. */
export interface WebGPUAdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
}

type GpuLike = { requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: { vendor?: string; architecture?: string } } | null> };

function navigatorGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/**
 * Throws an Error naming why no WebGPU adapter can be had here, or describes
 * the adapter that tfjs will get (it asks with the same power preference,
 * 'high-performance', tfjs's default).
 */
export async function requireWebGPUAdapter(): Promise<WebGPUAdapterDescription> {
  refuseNode('WebGPU', 'webgpu', 'tfjs-backend-webgpu');
  const gpu = navigatorGpu();
  if (!gpu) {
    const insecure = (globalThis as { isSecureContext?: boolean }).isSecureContext === false;
    throw new Error(
      insecure
        ? 'no WebGPU here: navigator.gpu is undefined because the page is not a secure context (WebGPU needs https or localhost)'
        : 'this browser has no WebGPU (navigator.gpu is undefined): the browser does not support it or it is turned off',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'this browser gives no WebGPU adapter (navigator.gpu.requestAdapter() returned null): WebGPU is off for this GPU or the GPU is blocklisted; Chromium without a usable GPU gives its SwiftShader adapter with --enable-unsafe-webgpu',
    );
  }
  return { vendor: adapter.info?.vendor ?? '', architecture: adapter.info?.architecture ?? '' };
}
