import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClassificationOptionError } from '../errors';
import type { GradientWorkers, ShardJob, ShardResult, WorkerInit } from './gradient-workers';
import type { WorkerReply, WorkerRequest } from './worker-main';

export interface ThreadWorkersOptions {
  /** Worker threads, each computing one shard per step (the main thread computes another). */
  readonly threads: number;
  /**
   * A module (file URL or path) exporting `setupTrainingWorker(tfBackend)`,
   * which loads the app's tfjs packages in the worker, registers the backend
   * and returns `{ tf, tfl }`.
   */
  readonly setupModule: string | URL;
  /** The worker script; default: the package's built training-worker next to this file. */
  readonly workerScript?: string | URL;
}

function toUrl(where: string | URL): URL {
  if (where instanceof URL) return where;
  return /^[a-z]+:\/\//i.test(where) ? new URL(where) : pathToFileURL(where);
}

/** The built worker script beside this module (ESM dist/training.js → training-worker.js, CJS → .cjs). */
function defaultWorkerScript(): URL {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
  return new URL(here.pathname.endsWith('.cjs') ? './training-worker.cjs' : './training-worker.js', here);
}

/**
 * Data-parallel gradient workers on Node worker threads: each holds a replica
 * of the model on its own tfjs instance (wasm or cpu) and computes one shard
 * per step. Start with `threads` = cores − 1 (the main thread computes a
 * shard too); each worker loads its own tfjs and wasm binary (~100 MB).
 */
export function createThreadWorkers(options: ThreadWorkersOptions): GradientWorkers {
  const { threads } = options;
  if (!Number.isInteger(threads) || threads < 1) throw new ClassificationOptionError('threads', threads, `an integer ≥ 1 (this machine has ${availableParallelism()} cores)`, 'createThreadWorkers');
  const script = options.workerScript ? toUrl(options.workerScript) : defaultWorkerScript();
  const setupModule = toUrl(options.setupModule).href;
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: ShardResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;

  const failAll = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };

  return {
    count: threads,
    async start(init: WorkerInit) {
      const ready: Promise<void>[] = [];
      for (let i = 0; i < threads; i++) {
        const worker = new Worker(script);
        workers.push(worker);
        ready.push(
          new Promise<void>((resolve, reject) => {
            const onStartError = (e: Error) => reject(new Error(`training worker ${i + 1} (${script.href}) failed to start: ${e.message}`, { cause: e }));
            worker.once('error', onStartError);
            worker.on('message', (m: WorkerReply) => {
              if (m.type === 'ready') {
                worker.off('error', onStartError);
                worker.on('error', (e) => failAll(new Error(`training worker ${i + 1} crashed: ${e.message}`, { cause: e })));
                worker.on('exit', (code) => failAll(new Error(`training worker ${i + 1} exited (code ${code})`)));
                resolve();
              } else if (m.type === 'error') {
                const e = new Error(`training worker ${i + 1}: ${m.message}`);
                if (m.stack) e.stack = m.stack;
                reject(e);
                failAll(e);
              } else {
                const p = pending.get(m.id);
                pending.delete(m.id);
                p?.resolve(m.result);
              }
            });
          }),
        );
        worker.postMessage({ type: 'init', setupModule, init } satisfies WorkerRequest);
      }
      await Promise.all(ready);
    },
    run(jobs: readonly ShardJob[], state: Float32Array) {
      if (failure) return Promise.reject(failure);
      if (jobs.length > workers.length) return Promise.reject(new Error(`${jobs.length} shards for ${workers.length} training workers`));
      return Promise.all(
        jobs.map(
          (job, k) =>
            new Promise<ShardResult>((resolve, reject) => {
              const id = nextId++;
              pending.set(id, { resolve, reject });
              workers[k]!.postMessage({ type: 'job', id, job, state } satisfies WorkerRequest);
            }),
        ),
      );
    },
    async dispose() {
      failure ??= new Error('training workers were disposed');
      for (const w of workers) w.removeAllListeners('exit');
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
    },
  };
}
