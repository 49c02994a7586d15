import { createTfjsBackend } from '@mobilenet-kit/backend-tfjs';
import { type Backend, registerBackend } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's 'cpu' backend and its kernels with tfjs-core.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

// tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up
// dramatically, install our node backend" on its first tensor in Node. Our users did not ask for it and
// cannot follow it (tfjs-node does not install here; wasm and onnxruntime are the fast paths): the backend
// sets `firstUse` in its constructor and warns when it is true, so a prototype accessor that always reads
// false silences that one message and nothing else (tfjs's other warnings stay).
Object.defineProperty(MathBackendCPU.prototype, 'firstUse', { configurable: true, get: () => false, set: () => undefined });

export interface CpuBackendOptions {
  /**
   * Use tfjs's fused kernels (conv + bias + activation in one call). Default
   * true; on tfjs-backend-cpu fused and unfused lowerings run equally fast
   * (shared/FACTS.md), fused makes fewer intermediate tensors.
   */
  readonly fused?: boolean;
}

/**
 * The 'cpu' backend: tfjs-backend-cpu, plain JavaScript, runs everywhere.
 * It is the numeric reference the other backends are held to.
 */
export function cpuBackend(options: CpuBackendOptions = {}): Backend {
  return createTfjsBackend({
    name: 'cpu',
    tf,
    tfBackendName: 'cpu',
    fused: options.fused ?? true,
    async init() {
      if (!tf.findBackendFactory('cpu')) {
        throw new Error('tfjs has no "cpu" backend registered: @tensorflow/tfjs-backend-cpu was not loaded into the same copy of @tensorflow/tfjs-core');
      }
    },
  });
}

/** Registers the 'cpu' backend in mobilenet-kit's registry (replacing one of the same name). */
export function registerCpuBackend(options: CpuBackendOptions = {}): Backend {
  const backend = cpuBackend(options);
  registerBackend(backend);
  return backend;
}
