import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { classifierHead } from '@mobilenet-kit/classification';
import { createThreadWorkers, shardRanges, type TrainConfig, trainClassifier } from '@mobilenet-kit/classification/training';
import type { Weights } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quadrantDataset } from './synthetic';

const setupModule = new URL('./fixtures/training-worker-setup.mjs', import.meta.url);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'train-workers-'));
  await registerWasmBackend().init?.();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const train = quadrantDataset(64, 3);
const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false, variant: 'shallow' }), {
  classes: 4,
  labels: train.classNames,
  dropout: 0.2,
  preprocessing: { grayscale: true, contentSize: 12 },
});
const initial = initializeWeights(head.graph, { seed: 5 });
const config: Partial<TrainConfig> = { epochs: 1, batchSize: 16, learningRate: 0.05, warmupEpochs: 0.5, validationFraction: 0.125, seed: 9, shards: 2 };
const run = (extra: Partial<Parameters<typeof trainClassifier>[0]> = {}) =>
  trainClassifier({ graph: head.graph, weights: initial, metadata: head.metadata, train, tf, tfl, tfBackend: 'wasm', config, ...extra });

function maxDifference(a: Weights, b: Weights): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let worst = 0;
  for (const [name, w] of a) {
    const other = b.get(name)!.data;
    for (let i = 0; i < w.data.length; i++) worst = Math.max(worst, Math.abs(w.data[i]! - other[i]!));
  }
  return worst;
}

describe('shardRanges', () => {
  it('cuts a batch into contiguous, nearly equal shards and drops empty ones', () => {
    expect(shardRanges(64, 2)).toEqual([[0, 32], [32, 64]]);
    expect(shardRanges(7, 3)).toEqual([[0, 3], [3, 5], [5, 7]]);
    expect(shardRanges(1, 2)).toEqual([[0, 1]]);
  });
});

// Each run takes seconds alone; the timeouts leave room for a machine busy with other work.
describe('data-parallel training', { timeout: 600_000 }, () => {
  let sequential: Awaited<ReturnType<typeof trainClassifier>>;

  it('a worker thread computing the second shard gives the same weights, bit for bit, as computing both shards in the main thread', async () => {
    sequential = await run();
    const before = tf.memory();
    const workers = createThreadWorkers({ threads: 1, setupModule });
    const parallel = await run({ workers });
    expect(tf.memory().numTensors).toBe(before.numTensors);
    // The backend's own buffers too (tfjs's IS_TEST check reports a leak in customGrad ops on wasm, tensorflow/tfjs#6518; there is none).
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(maxDifference(sequential.weights, parallel.weights)).toBe(0);
    expect(parallel.history[0]!.loss).toBe(sequential.history[0]!.loss);
    expect(parallel.history[0]!.valAccuracy).toBe(sequential.history[0]!.valAccuracy);
    // The pool is closed with the run: a later call is refused.
    await expect(workers.run([], new Float32Array(0))).rejects.toThrow(/disposed/);
  });

  it('averages shard gradients weighted by size: with no batch statistics in play (frozen backbone) 2 or 3 shards equal the whole batch', async () => {
    const frozen = { ...config, freeze: 'backbone' as const };
    const whole = await run({ config: { ...frozen, shards: 1 } });
    const halves = await run({ config: { ...frozen, shards: 2 }, workers: createThreadWorkers({ threads: 1, setupModule }) });
    const thirds = await run({ config: { ...frozen, shards: 3 } });
    expect(maxDifference(whole.weights, halves.weights)).toBeLessThan(1e-6);
    expect(maxDifference(whole.weights, thirds.weights)).toBeLessThan(1e-6);
    // The dense layer did train.
    expect(maxDifference(whole.weights, initial)).toBeGreaterThan(1e-3);
  });

  it('BN statistics are per shard: two shards differ from the whole batch once the backbone trains', () => {
    expect(sequential.config.shards).toBe(2);
    return run({ config: { ...config, shards: 1 } }).then((whole) => expect(maxDifference(whole.weights, sequential.weights)).toBeGreaterThan(1e-4));
  });

  it('resumes exactly whether or not workers compute the shards', async () => {
    const checkpointDir = path.join(dir, 'resume');
    await run({ checkpointDir, workers: createThreadWorkers({ threads: 1, setupModule }) });
    const resumed = await run({ checkpointDir, resume: true, config: { ...config, epochs: 2 } });
    const straight = await run({ config: { ...config, epochs: 2 } });
    expect(maxDifference(straight.weights, resumed.weights)).toBe(0);
  });

  it('refuses a setup module without setupTrainingWorker, naming it, and a bad thread count or shard count', async () => {
    const bad = path.join(dir, 'bad-setup.mjs');
    await writeFile(bad, 'export const nothing = 1;\n');
    await expect(run({ workers: createThreadWorkers({ threads: 1, setupModule: bad }) })).rejects.toThrow(/bad-setup\.mjs does not export setupTrainingWorker/);
    expect(() => createThreadWorkers({ threads: 0, setupModule })).toThrow(/threads.*an integer ≥ 1/);
    await expect(run({ config: { ...config, shards: 17 } })).rejects.toThrow(/shards.*1\.\.16/);
  });
});
