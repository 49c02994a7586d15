import { cp, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { classifierHead, createClassifier, evaluateClassifier } from '@mobilenet-kit/classification';
import { CheckpointError, loadCheckpoint, type TrainConfig, trainClassifier } from '@mobilenet-kit/classification/training';
import type { Weights } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quadrantDataset } from './synthetic';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'train-'));
  await registerWasmBackend().init?.();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const train = quadrantDataset(96, 3);
const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false }), {
  classes: 4,
  labels: train.classNames,
  dropout: 0.2,
  preprocessing: { grayscale: true, contentSize: 12 },
});
const initial = initializeWeights(head.graph, { seed: 5 });
const config: Partial<TrainConfig> = { epochs: 2, batchSize: 16, learningRate: 0.05, warmupEpochs: 0.5, validationFraction: 0.125, seed: 9 };
const run = (extra: Partial<Parameters<typeof trainClassifier>[0]> = {}) =>
  trainClassifier({ graph: head.graph, weights: initial, metadata: head.metadata, train, tf, tfl, tfBackend: 'wasm', config, ...extra });

function expectSameWeights(a: Weights, b: Weights): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [name, w] of a) expect(Buffer.from(b.get(name)!.data.buffer).equals(Buffer.from(w.data.buffer)), name).toBe(true);
}

function changed(a: Weights, b: Weights, name: string): boolean {
  return !Buffer.from(a.get(name)!.data.buffer).equals(Buffer.from(b.get(name)!.data.buffer));
}

// Each run takes seconds alone; the timeouts leave room for a machine busy with other work.
describe('trainClassifier', { timeout: 600_000 }, () => {
  let straight: Awaited<ReturnType<typeof trainClassifier>>;

  it('learns an easy task, reports every epoch, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    let batches = 0;
    straight = await run({ checkpointDir: path.join(dir, 'a'), onBatch: () => batches++, onEpoch: (e) => void epochs.push(e.epoch) });
    expect(tf.memory().numTensors).toBe(before);
    expect(epochs).toEqual([1, 2]);
    expect(batches).toBe(2 * Math.ceil(84 / 16));
    expect(straight.history).toHaveLength(2);
    for (const h of straight.history) expect(Number.isFinite(h.loss) && Number.isFinite(h.valAccuracy)).toBe(true);
    // Every trained kind of parameter moved; BN moving statistics were updated in training mode.
    for (const name of ['conv1/kernel', 'conv_dw_1/depthwise_kernel', 'conv_pw_13_bn/gamma', 'conv_pw_13_bn/moving_mean', 'head/logits/kernel', 'head/logits/bias']) expect(changed(initial, straight.weights, name), name).toBe(true);
    const classifier = await createClassifier(straight.graph, straight.weights, straight.metadata, { backend: 'wasm' });
    const evaluation = await evaluateClassifier(classifier, quadrantDataset(40, 77));
    classifier.dispose();
    // Two short epochs do not make a good model (the Fashion-MNIST test checks learning); the trained graph must run and score.
    expect(evaluation.count).toBe(40);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
    expect(evaluation.perClass.reduce((a, c) => a + c.support, 0)).toBe(40);
  });

  it('resumes exactly: one epoch, then --resume to two, gives the same weights bit for bit', async () => {
    const first = await run({ checkpointDir: path.join(dir, 'b'), config: { ...config, epochs: 1 } });
    expect(first.history).toHaveLength(1);
    const checkpoint = await loadCheckpoint(path.join(dir, 'b'));
    expect(checkpoint).toMatchObject({ epoch: 1, seed: 9 });
    expect(checkpoint.optimizer.size).toBeGreaterThan(0);
    let start = -1;
    const before = tf.memory().numTensors;
    const resumed = await run({ checkpointDir: path.join(dir, 'b'), resume: true, config: { ...config, epochs: 2 }, onStart: (s) => void (start = s.startEpoch) });
    expect(start).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(resumed.history[1]!.loss).toBe(straight.history[1]!.loss);
    expectSameWeights(resumed.weights, straight.weights);
  });

  it('freezes the backbone (features cached) or all but the last blocks', async () => {
    // Transfer starts from trained weights: a frozen, untrained backbone in inference mode gives constant features.
    const start = straight.weights;
    const headOnly = await run({ weights: start, config: { ...config, epochs: 1, freeze: 'backbone', cacheFeatures: true } });
    expect(changed(start, headOnly.weights, 'head/logits/kernel')).toBe(true);
    for (const name of ['conv1/kernel', 'conv_pw_13/kernel', 'conv_pw_13_bn/moving_mean']) expect(changed(start, headOnly.weights, name), name).toBe(false);
    const lastBlock = await run({ weights: start, config: { ...config, epochs: 1, freeze: { trainBlocks: 1 } } });
    // (conv_dw_13 is left out: on a 1×1 map a depthwise filter followed by BN is scale-invariant, its gradient is 0.)
    for (const name of ['conv_pw_13/kernel', 'conv_pw_13_bn/gamma', 'conv_pw_13_bn/moving_variance']) expect(changed(start, lastBlock.weights, name), name).toBe(true);
    for (const name of ['conv_pw_12/kernel', 'conv_pw_12_bn/moving_mean', 'conv1/kernel']) expect(changed(start, lastBlock.weights, name), name).toBe(false);
  });
});

describe('checkpoints', () => {
  const copy = async (name: string) => {
    const target = path.join(dir, name);
    await cp(path.join(dir, 'a'), target, { recursive: true });
    return target;
  };

  it('a truncated shard, a changed byte, an edited checkpoint.json or a missing file is detected, naming the file', async () => {
    const truncated = await copy('t1');
    await truncate(path.join(truncated, 'group1-shard1of1.bin'), 1000);
    await expect(loadCheckpoint(truncated)).rejects.toThrow(/group1-shard1of1\.bin: is 1000 bytes, checkpoint\.json says \d+ \(truncated or replaced\)/);

    const flipped = await copy('t2');
    const optimizerFile = path.join(flipped, 'optimizer.bin');
    const bytes = await readFile(optimizerFile);
    bytes[100] = bytes[100]! ^ 1;
    await writeFile(optimizerFile, bytes);
    await expect(loadCheckpoint(flipped)).rejects.toThrow(/optimizer\.bin: SHA-256 differs/);

    const edited = await copy('t3');
    const jsonFile = path.join(edited, 'checkpoint.json');
    await writeFile(jsonFile, (await readFile(jsonFile, 'utf8')).replace('"epoch": 2', '"epoch": 5'));
    await expect(loadCheckpoint(edited)).rejects.toThrow(/checkpoint\.json: checksum mismatch/);

    const cut = await copy('t4');
    await truncate(path.join(cut, 'checkpoint.json'), 50);
    await expect(loadCheckpoint(cut)).rejects.toThrow(/not valid JSON/);

    const missing = await copy('t5');
    await rm(path.join(missing, 'model.json'));
    await expect(loadCheckpoint(missing)).rejects.toBeInstanceOf(CheckpointError);
  });

  it('puts back a checkpoint that a crash left aside between the two renames, and drops leftover temporary folders', async () => {
    const target = path.join(dir, 'crash');
    await cp(path.join(dir, 'a'), path.join(dir, '.crash.old-123-abc'), { recursive: true });
    await cp(path.join(dir, 'a'), path.join(dir, '.crash.tmp-123-def'), { recursive: true });
    const checkpoint = await loadCheckpoint(target);
    expect(checkpoint.epoch).toBe(2);
    await expect(readFile(path.join(dir, '.crash.tmp-123-def', 'checkpoint.json'))).rejects.toThrow(/ENOENT/);
    await rename(target, path.join(dir, 'crash-done'));
  });
});
