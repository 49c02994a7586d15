import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { registerWebGLBackend } from '@mobilenet-kit/backend-webgl';
import { registerWebGPUBackend, requireWebGPUAdapter } from '@mobilenet-kit/backend-webgpu';
import type { WebGPUAvailability } from './worker-protocol';

/**
 * Registers cpu, wasm (binaries from the app's own wasm/ folder at
 * `wasmUrl`, never a CDN), webgl and webgpu with core's registry, in the
 * inference worker. `softwareWebGL` accepts a software WebGL renderer such as
 * SwiftShader, which tfjs refuses by default; registering again replaces the
 * webgl backend, so the page can retry with it.
 */
export function registerBackends(options: { softwareWebGL: boolean; wasmUrl: string }): void {
  registerCpuBackend();
  registerWasmBackend({ wasmPaths: options.wasmUrl });
  registerWebGL(options.softwareWebGL);
  registerWebGPUBackend();
}

/** (Re)registers the webgl backend; it starts on its next use. */
export function registerWebGL(softwareWebGL: boolean): void {
  registerWebGLBackend({ software: softwareWebGL });
}

/** Whether this worker gets a WebGPU adapter (the page lists webgpu only then), or why not. */
export async function webgpuAvailability(): Promise<WebGPUAvailability> {
  try {
    const { vendor, architecture } = await requireWebGPUAdapter();
    return { available: true, adapter: [vendor, architecture].filter(Boolean).join(' ') };
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
}
