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
   * XNNPACK threads, 1 to 8, or 'auto' (the default): every core, at most 8
   * (tfjs's limit). In Node 'auto' is `os.availableParallelism()` and more
   * than one starts tfjs's threaded build through node-threads.ts (tfjs turns
   * wasm threads off there); the environment variable
   * MOBILENET_KIT_WASM_THREADS=N replaces 'auto'. In browsers 'auto' is
   * `navigator.hardwareConcurrency` on a cross-origin-isolated page (COOP/COEP
   * headers) and one thread elsewhere, said once through `onNotice`. A number
   * above 1 on a page without wasm threads fails to start.
   */
  readonly threads?: number | 'auto';
  /** Where the one-time notice of 'auto' falling back to one thread goes. Default: console.warn. */
  readonly onNotice?: (message: string) => void;
  /** Use tfjs's fused kernels (default true: with BN folded they are the fastest form on wasm, shared/FACTS.md). */
  readonly fused?: boolean;
}

/** True once tfjs has a working 'wasm' backend instance (without starting one): its thread pool is then fixed. */
export function wasmAlreadyStarted(): boolean {
  return tf.engine().registry.wasm !== undefined;
}

/** The XNNPACK threads tfjs's wasm backend runs (or will start) with: tfjs-backend-wasm's getThreadsCount. */
export function wasmThreadsCount(): number {
  return getThreadsCount();
}

/** The environment variable that replaces threads: 'auto' in Node (CI, tests that time things). */
export const WASM_THREADS_ENV = 'MOBILENET_KIT_WASM_THREADS';

function checkThreadCount(threads: unknown, where: string): asserts threads is number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new Error(`${where} must be an integer from 1 to ${MAX_WASM_THREADS} (tfjs's limit) or 'auto', got ${JSON.stringify(threads)}`);
  }
}

let noticeGiven = false;

/**
 * What threads: 'auto' means here: every core (at most 8) in Node and on a
 * cross-origin-isolated page with wasm threads; one thread on other pages,
 * with the reason (said once per process).
 */
async function autoThreads(multithread: boolean, notice: (message: string) => void): Promise<number> {
  if (isNode()) {
    const fromEnv = process.env[WASM_THREADS_ENV];
    if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'auto') {
      const n = /^\d+$/.test(fromEnv) ? Number(fromEnv) : fromEnv;
      checkThreadCount(n, `${WASM_THREADS_ENV}:`);
      return n;
    }
    const os = await import('node:os');
    return Math.max(1, Math.min(MAX_WASM_THREADS, os.availableParallelism()));
  }
  const cores = typeof navigator !== 'undefined' && Number.isInteger(navigator.hardwareConcurrency) ? navigator.hardwareConcurrency : 1;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (isolated && multithread) return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
  if (cores > 1 && !noticeGiven) {
    noticeGiven = true;
    const why = isolated ? 'this browser has no WebAssembly threads' : 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
    notice(`mobilenet-kit wasm: running on 1 thread of ${cores} cores because ${why}`);
  }
  return 1;
}

async function prepareWasm(options: WasmBackendOptions): Promise<void> {
  if (!tf.findBackendFactory('wasm')) {
    throw new Error('tfjs has no "wasm" backend registered: @tensorflow/tfjs-backend-wasm was not loaded into the same copy of @tensorflow/tfjs-core');
  }
  const asked = options.threads ?? 'auto';
  if (asked !== 'auto') checkThreadCount(asked, 'threads');
  if (wasmAlreadyStarted()) {
    // tfjs reads paths and thread count only when it starts the module: every model in the process shares that one pool.
    const threads = asked === 'auto' ? undefined : asked;
    if (threads !== undefined && threads !== getThreadsCount()) {
      throw new Error(`tfjs's wasm backend already runs with ${getThreadsCount()} thread(s); threads: ${threads} must be set before it starts`);
    }
    return;
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  // 'auto' in Node without SIMD: tfjs's threaded build is SIMD only, so one thread.
  const threads = asked === 'auto' ? (isNode() && !simd ? 1 : await autoThreads(multithread, options.onNotice ?? ((m) => console.warn(m)))) : asked;
  // tfjs turns wasm threads off in Node; node-threads.ts starts its threaded build there anyway.
  const nodeThreads = threads > 1 && !multithread && isNode();
  if (threads > 1 && !multithread && !nodeThreads) {
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
  if (!nodeThreads) return setThreadsCount(threads);
  try {
    await startWasmWithNodeThreads(tf, threads, setThreadsCount);
  } catch (e) {
    // An explicit thread count fails with the reason; 'auto' goes on with one thread and says why.
    if (asked !== 'auto') throw e;
    (options.onNotice ?? ((m) => console.warn(m)))(`mobilenet-kit wasm: running on 1 thread because ${(e as Error).message}`);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
  }
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
