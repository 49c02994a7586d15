/**
 * The setup module of the training bench's worker threads (threads > 1):
 * the bench's tfjs packages and Node backends, loaded in the worker.
 */
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export async function setupTrainingWorker(backend: string): Promise<{ tf: typeof tf; tfl: typeof tfl }> {
  const registered = backend === 'wasm' ? registerWasmBackend() : backend === 'cpu' ? registerCpuBackend() : undefined;
  if (!registered) throw new Error(`bench training worker: backend "${backend}" is not wasm or cpu`);
  await registered.init?.();
  return { tf, tfl };
}
