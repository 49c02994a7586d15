import { createTfjsBackend } from '@mobilenet-kit/backend-tfjs';
import { type Backend, registerBackend } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
// Importing tfjs-backend-wasm registers tfjs's 'wasm' backend and its kernels.
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MAX_WASM_THREADS, startWasmWithNodeThreads } from './node-threads';
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
   * XNNPACK threads, 1 to 8. Default: tfjs's choice (one in Node). In
   * browsers more than one needs wasm threads (a page served with COOP/COEP
   * headers) and fails to start without them. In Node, where tfjs turns wasm
   * threads off, more than one starts tfjs's threaded build through the
   * workaround in node-threads.ts (experimental).
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
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS)) {
    throw new Error(`threads must be an integer from 1 to ${MAX_WASM_THREADS} (tfjs's limit), got ${JSON.stringify(threads)}`);
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
  // tfjs turns wasm threads off in Node; node-threads.ts starts its threaded build there anyway.
  const nodeThreads = threads !== undefined && threads > 1 && !multithread && isNode();
  if (threads !== undefined && threads > 1 && !multithread && !nodeThreads) {
    throw new Error(`threads: ${threads} was asked for, but this page has no wasm threads (tfjs WASM_HAS_MULTITHREAD_SUPPORT is false); serve it with COOP/COEP headers`);
  }
  if (nodeThreads && !simd) throw new Error(`threads: ${threads} needs WebAssembly SIMD (tfjs's threaded build is SIMD only), which this Node lacks`);
  const paths = options.wasmPaths ?? (isNode() ? await nodeWasmFolder() : undefined);
  if (paths !== undefined) {
    if (isNode()) await checkLocalBinary(paths, wasmBinaryName(simd, multithread || nodeThreads));
    try {
      setWasmPaths(paths as string);
    } catch (e) {
      throw new Error(`tfjs refused the wasm paths: ${(e as Error).message}`, { cause: e });
    }
  }
  if (nodeThreads) await startWasmWithNodeThreads(tf, threads, setThreadsCount);
  else if (threads !== undefined) setThreadsCount(threads);
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
