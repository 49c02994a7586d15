import { createTfjsBackend } from '@mobilenet-kit/backend-tfjs';
import { type Backend, registerBackend } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
// Importing tfjs-backend-wasm registers tfjs's 'wasm' backend and its kernels.
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { checkLocalBinary, isNode, nodeWasmFolder, type WasmPaths, wasmBinaryName } from './wasm-binaries';

export interface WasmBackendOptions {
  /**
   * Where the `.wasm` binaries are: a folder URL or path ending in '/', or a
   * map from binary name to its URL (tfjs's `setWasmPaths`). Default: in Node,
   * the dist folder of @tensorflow/tfjs-backend-wasm in node_modules; in
   * browsers, tfjs's own default (next to the bundled script).
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * XNNPACK threads. Default: tfjs's choice. More than one needs wasm threads
   * (a browser page served with COOP/COEP headers; tfjs turns them off in
   * Node): asking for them where they are unavailable fails to start.
   */
  readonly threads?: number;
  /** Use tfjs's fused kernels (default true: with BN folded they are the fastest form on wasm, shared/FACTS.md). */
  readonly fused?: boolean;
}

/** True once tfjs has a working 'wasm' backend instance (without starting one). */
function wasmAlreadyStarted(): boolean {
  return tf.engine().registry.wasm !== undefined;
}

async function prepareWasm(options: WasmBackendOptions): Promise<void> {
  if (!tf.findBackendFactory('wasm')) {
    throw new Error('tfjs has no "wasm" backend registered: @tensorflow/tfjs-backend-wasm was not loaded into the same copy of @tensorflow/tfjs-core');
  }
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new Error(`threads must be a positive integer, got ${JSON.stringify(threads)}`);
  }
  if (wasmAlreadyStarted()) {
    // tfjs reads paths and thread count only when it starts the module.
    if (threads !== undefined && threads !== getThreadsCount()) {
      throw new Error(`tfjs's wasm backend already runs with ${getThreadsCount()} thread(s); threads: ${threads} must be set before it starts`);
    }
    return;
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  if (threads !== undefined && threads > 1 && !multithread) {
    throw new Error(
      `threads: ${threads} was asked for, but this environment has no wasm threads (tfjs WASM_HAS_MULTITHREAD_SUPPORT is false${isNode() ? '; tfjs turns them off in Node' : '; serve the page with COOP/COEP headers'})`,
    );
  }
  const paths = options.wasmPaths ?? (isNode() ? await nodeWasmFolder() : undefined);
  if (paths !== undefined) {
    if (isNode()) await checkLocalBinary(paths, wasmBinaryName(simd, multithread));
    try {
      setWasmPaths(paths as string);
    } catch (e) {
      throw new Error(`tfjs refused the wasm paths: ${(e as Error).message}`, { cause: e });
    }
  }
  if (threads !== undefined) setThreadsCount(threads);
}

/**
 * The 'wasm' backend: tfjs-backend-wasm (XNNPACK, SIMD where available), the
 * fast portable CPU path in Node and browsers. A start failure throws the
 * reason; it never falls back to another backend.
 */
export function wasmBackend(options: WasmBackendOptions = {}): Backend {
  return createTfjsBackend({
    name: 'wasm',
    tf,
    tfBackendName: 'wasm',
    fused: options.fused ?? true,
    init: () => prepareWasm(options),
    info: async () => ({
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
      threads: getThreadsCount(),
    }),
  });
}

/** Registers the 'wasm' backend in mobilenet-kit's registry (replacing one of the same name). */
export function registerWasmBackend(options: WasmBackendOptions = {}): Backend {
  const backend = wasmBackend(options);
  registerBackend(backend);
  return backend;
}
