/**
 * WebAssembly threads for tfjs-backend-wasm in Node (experimental).
 *
 * tfjs 4.22 turns wasm threads off in Node (flag WASM_HAS_MULTITHREAD_SUPPORT)
 * because its threaded build hands Emscripten its worker script and its main
 * script as `blob:` URLs, which Node's worker_threads cannot load
 * (ERR_WORKER_PATH). While tfjs starts, this module:
 *
 * 1. sets WASM_HAS_MULTITHREAD_SUPPORT, so that tfjs picks the threaded binary;
 * 2. records the text of the Blobs tfjs makes and turns them into real files
 *    in a temporary folder: `URL.createObjectURL` returns the worker file's
 *    path, and a prologue in that file points the worker's 'load' message at
 *    the main-script file instead of the Blob;
 * 3. declares, at the top of the main-script file, the module variables that
 *    tfjs's Node bundle gave Emscripten's code (`require$$0 = require('fs')`, …);
 * 4. makes `os.cpus()` report twice the asked threads, because tfjs caps its
 *    pool at logical cores / 2 (tfjs-backend-wasm/src/cc/backend.cc);
 * 5. gives Emscripten a Worker class whose `ref()` does nothing: XNNPACK's
 *    pool threads never return, and a referenced worker would keep Node from
 *    exiting (the main thread drives them through shared memory, not events).
 *
 * Everything is put back when tfjs has started, and the files are removed:
 * Emscripten's pool of 8 workers has loaded them by then, and tfjs never uses
 * more than those 8.
 */
import { activateTfBackend } from '@mobilenet-kit/backend-tfjs';
import type * as tfc from '@tensorflow/tfjs-core';

/** tfjs's upper bound: it pre-creates 8 workers (tfjs-backend-wasm/src/cc/backend.cc, max_num_threads). */
export const MAX_WASM_THREADS = 8;

/** The declarations tfjs's Node bundle makes for the code it passes to Emscripten (rollup's `require$$N`). */
function bundleRequireDeclarations(nodeRequire: NodeRequire): string {
  const bundle = nodeRequire.resolve('@tensorflow/tfjs-backend-wasm');
  const head = (nodeRequire('node:fs') as typeof import('node:fs')).readFileSync(bundle, 'utf8').slice(0, 4000);
  const declarations = [...head.matchAll(/^var (require\$\$\d+) = require\('([^']+)'\);$/gm)].map((m) => `var ${m[1]} = require(${JSON.stringify(m[2])});`);
  return ['var commonjsGlobal = globalThis;', ...declarations].join('\n');
}

function workerPrologue(mainScript: string): string {
  return [
    "const __mk_threads = require('worker_threads');",
    'const __mk_on = __mk_threads.parentPort.on.bind(__mk_threads.parentPort);',
    "__mk_threads.parentPort.on = (event, handler) => __mk_on(event, event !== 'message' ? handler : (data) => {",
    `  if (data && data.cmd === 'load' && typeof data.urlOrBlob !== 'string') data.urlOrBlob = ${JSON.stringify(mainScript)};`,
    '  handler(data);',
    '});',
    '',
  ].join('\n');
}

/** Starts tfjs's wasm backend with `threads` XNNPACK threads in Node; throws the reason if it cannot. */
export async function startWasmWithNodeThreads(tf: typeof tfc, threads: number, setThreadsCount: (n: number) => void): Promise<void> {
  const [{ createRequire }, fs, os, path] = await Promise.all([import('node:module'), import('node:fs'), import('node:os'), import('node:path')]);
  const nodeRequire = createRequire(import.meta.url);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mobilenet-kit-wasm-threads-'));
  const mainScript = path.join(folder, 'tfjs-backend-wasm-threaded-simd.main.cjs');
  const workerScript = path.join(folder, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  const declarations = bundleRequireDeclarations(nodeRequire);

  const RealBlob = globalThis.Blob;
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = os.default.cpus;
  const texts = new WeakMap<Blob, string>();
  const seen = { main: false, worker: false };
  globalThis.Blob = new Proxy(RealBlob, {
    construct(target, args: ConstructorParameters<typeof Blob>) {
      const blob = new target(...args);
      const parts = args[0];
      if (Array.isArray(parts) && parts.every((p) => typeof p === 'string')) {
        const text = parts.join('');
        texts.set(blob, text);
        if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
          fs.writeFileSync(mainScript, `${declarations}\n${text}`);
          seen.main = true;
        }
      }
      return blob;
    },
  });
  URL.createObjectURL = (blob: Blob) => {
    const text = texts.get(blob);
    if (text === undefined) return realCreateObjectURL(blob);
    fs.writeFileSync(workerScript, workerPrologue(mainScript) + text);
    seen.worker = true;
    return workerScript;
  };
  const workerThreads = nodeRequire('node:worker_threads') as typeof import('node:worker_threads');
  const RealWorker = workerThreads.Worker;
  class UnreferencedWorker extends RealWorker {
    constructor(...args: ConstructorParameters<typeof RealWorker>) {
      super(...args);
      this.unref();
    }
    override ref(): void {}
  }
  workerThreads.Worker = UnreferencedWorker;
  const fakeCpu = realCpus()[0]!;
  os.default.cpus = () => Array.from({ length: 2 * threads }, () => fakeCpu);
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    await activateTfBackend(tf, 'wasm');
  } catch (e) {
    const handedOver = seen.main && seen.worker ? '' : ` (tfjs-backend-wasm did not hand over its ${seen.main ? 'worker' : 'main'} script as 4.22 does)`;
    throw new Error(`wasm threads in Node failed to start${handedOver}: ${(e as Error).message}`, { cause: e });
  } finally {
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreateObjectURL;
    os.default.cpus = realCpus;
    workerThreads.Worker = RealWorker;
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
