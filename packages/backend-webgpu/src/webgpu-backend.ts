import { createTfjsBackend, isNode } from '@mobilenet-kit/backend-tfjs';
import { type Backend, registerBackend } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
// Importing tfjs-backend-webgpu registers tfjs's 'webgpu' backend (where navigator.gpu exists) and its kernels.
import '@tensorflow/tfjs-backend-webgpu';
import { requireWebGPUAdapter, type WebGPUAdapterDescription } from './webgpu-adapter';

export interface WebGPUBackendOptions {
  /** Use tfjs's fused kernels (conv + bias + activation in one shader). Default true. */
  readonly fused?: boolean;
}

function checkOptions(options: WebGPUBackendOptions): void {
  if (options.fused !== undefined && typeof options.fused !== 'boolean') {
    throw new Error(`webgpu backend: fused must be a boolean, got ${JSON.stringify(options.fused)}`);
  }
}

async function prepareWebGPU(): Promise<WebGPUAdapterDescription> {
  const adapter = await requireWebGPUAdapter();
  if (!tf.findBackendFactory('webgpu')) {
    throw new Error(
      `tfjs has no "webgpu" backend registered${isNode() ? '' : ': @tensorflow/tfjs-backend-webgpu was not loaded into the same copy of @tensorflow/tfjs-core, or navigator.gpu did not exist when it was imported'}`,
    );
  }
  return adapter;
}

/**
 * The 'webgpu' backend: tfjs-backend-webgpu, compute shaders on WebGPU in
 * browsers. A start failure (Node, no navigator.gpu, no adapter) throws the
 * reason; it never falls back to another backend.
 */
export function webgpuBackend(options: WebGPUBackendOptions = {}): Backend {
  checkOptions(options);
  let adapter: WebGPUAdapterDescription | undefined;
  return createTfjsBackend({
    name: 'webgpu',
    tf,
    tfBackendName: 'webgpu',
    fused: options.fused ?? true,
    init: async () => {
      adapter = await prepareWebGPU();
    },
    info: async () => ({ ...(adapter?.vendor ? { vendor: adapter.vendor } : {}), ...(adapter?.architecture ? { architecture: adapter.architecture } : {}) }),
  });
}

/** Registers the 'webgpu' backend in mobilenet-kit's registry (replacing one of the same name). */
export function registerWebGPUBackend(options: WebGPUBackendOptions = {}): Backend {
  const backend = webgpuBackend(options);
  registerBackend(backend);
  return backend;
}
