import { activateTfBackend } from '@mobilenet-kit/backend-tfjs';
import { registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import type { ShardJob, ShardResult, WorkerInit } from './gradient-workers';
import { assignFlat, computeShard } from './gradient-workers';
import { createTrainingReplica, type TrainingReplica } from './replica';

/**
 * What a worker's setup module exports: it loads tfjs (the same packages the
 * app uses), registers the backend and returns the namespaces. The app names
 * the module, so that the worker holds its own copy of the app's tfjs.
 */
export interface TrainingWorkerSetupModule {
  setupTrainingWorker(tfBackend: string): Promise<{ tf: typeof tfc; tfl: typeof tflayers }>;
}

export type WorkerRequest =
  | { readonly type: 'init'; readonly setupModule: string; readonly init: WorkerInit }
  | { readonly type: 'job'; readonly id: number; readonly job: ShardJob; readonly state: Float32Array };

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: ShardResult }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

interface MessagePort {
  on(event: 'message', listener: (m: WorkerRequest) => void): void;
  postMessage(m: WorkerReply, transfer?: ArrayBuffer[]): void;
}

function sameOrder(what: string, mine: readonly string[], main: readonly string[]): void {
  if (mine.length !== main.length || mine.some((n, i) => n !== main[i])) {
    throw new Error(`training worker: the replica's ${what} (${mine.length}) differ from the main thread's (${main.length}); first difference at ${mine.findIndex((n, i) => n !== main[i])}`);
  }
}

/** The message loop of a training worker thread: one replica, one shard at a time. */
export function runTrainingWorker(port: MessagePort): void {
  let tf: typeof tfc | undefined;
  let replica: TrainingReplica | undefined;
  let init: WorkerInit | undefined;
  const fail = (e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });

  const start = async (setupModule: string, settings: WorkerInit) => {
    const setup = (await import(setupModule)) as Partial<TrainingWorkerSetupModule>;
    if (typeof setup.setupTrainingWorker !== 'function') throw new Error(`training worker: ${setupModule} does not export setupTrainingWorker(tfBackend)`);
    const namespaces = await setup.setupTrainingWorker(settings.tfBackend);
    tf = namespaces.tf;
    registerTrainingKernels(tf, settings.tfBackend);
    await activateTfBackend(tf, settings.tfBackend);
    replica = createTrainingReplica(settings.graph, settings.weights, settings.settings, tf, namespaces.tfl);
    sameOrder('trainable parameters', [...replica.trainable.keys()], settings.trainableNames);
    sameOrder('moving statistics', [...replica.movingStatistics.keys()], settings.movingNames);
    init = settings;
  };

  const compute = (job: ShardJob, state: Float32Array): ShardResult => {
    assignFlat(tf!, replica!.movingStatistics, state, assignFlat(tf!, replica!.trainable, state));
    return computeShard(replica!, tf!, job, init!).result;
  };

  port.on('message', (m) => {
    if (m.type === 'init') {
      start(m.setupModule, m.init).then(() => port.postMessage({ type: 'ready' }), fail);
    } else if (m.type === 'job') {
      try {
        if (!replica) throw new Error('training worker: a job arrived before the replica was built');
        const result = compute(m.job, m.state);
        port.postMessage({ type: 'result', id: m.id, result }, [result.grads.buffer as ArrayBuffer, result.moving.buffer as ArrayBuffer, result.predictions.buffer as ArrayBuffer]);
      } catch (e) {
        fail(e);
      }
    }
  });
}
