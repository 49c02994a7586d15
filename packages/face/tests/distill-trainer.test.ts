import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawAugmentation, faceStudentGraph, seededRandom } from '../src';
import {
  type DistillSet,
  FaceCheckpointError,
  cosineLearningRate,
  distillStudent,
  embeddingLearningRate,
  extendTrainViews,
  loadDistillSet,
  loadFaceCheckpoint,
  mixupViews,
  moreViews,
  relationalDistanceLoss,
  renderDistillView,
  renderView,
  saveDistillSet,
  studentBlockOf,
} from '../src/training';

/** A small synthetic set: 5 "faces" (seeded noise, 40×40) with random unit "teacher" descriptors, 2 views each. */
function syntheticSet(): DistillSet {
  const random = seededRandom(7);
  const faces = Array.from({ length: 5 }, (_, i) => ({
    id: `synthetic/${i}#0`,
    photo: `synthetic/${i}`,
    crop: { width: 40, height: 40, data: Uint8Array.from({ length: 40 * 40 * 3 }, () => Math.floor(random() * 256)) },
    teacher: Float32Array.from({ length: 128 }, () => random() * 2 - 1),
  }));
  const views = (face: number) => Array.from({ length: 2 }, () => ({ face, augmentation: drawAugmentation(random), teacher: Float32Array.from({ length: 128 }, (_, k) => faces[face]!.teacher[k]! + 0.1 * (random() - 0.5)) }));
  const train = [0, 1, 2, 3];
  return {
    cropSize: 40,
    faces,
    train,
    heldOut: [4],
    trainViews: train.flatMap(views),
    heldOutViews: views(4),
    stats: { photos: 5, photosWithFaces: 5, detected: 5, duplicatesDropped: 0 },
    settings: { seed: 1, heldOutFraction: 0.2, viewsPerFace: 2, heldOutViewsPerFace: 2, cropSize: 40, minScore: 0.5, duplicateDistance: 0.3, sameSideDistance: 0.45, augment: {} },
  };
}

describe('distillStudent (tiny student, wasm)', () => {
  let dir: string;
  const graph = faceStudentGraph({ alpha: 0.25, resolution: 128 });
  const weights = initializeWeights(graph, { seed: 3 });
  const set = syntheticSet();
  const config = { batchSize: 4, learningRate: 1e-3, seed: 5 };
  beforeAll(async () => {
    await registerWasmBackend().init?.();
    dir = await mkdtemp(path.join(tmpdir(), 'face-distill-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lowers the loss; a run resumed from the epoch-1 checkpoint ends with the same weights as an uninterrupted one', async () => {
    const whole = await distillStudent({ graph, weights, set, tf, tfl, tfBackend: 'wasm', config: { ...config, epochs: 2 }, checkpointFile: path.join(dir, 'whole.mkc') });
    expect(whole.history).toHaveLength(2);
    expect(whole.history[1]!.loss).toBeLessThan(whole.history[0]!.loss);
    // Held-out loss and cosine are measured after each epoch (unit vectors: cos = 1 − d²/2).
    expect(whole.history[1]!.valCosine).toBeCloseTo(1 - whole.history[1]!.valLoss! / 2, 10);

    const file = path.join(dir, 'split.mkc');
    const first = await distillStudent({ graph, weights, set, tf, tfl, tfBackend: 'wasm', config: { ...config, epochs: 2 }, checkpointFile: file, onEpoch: (e) => {
      if (e.epoch === 1) throw new Error('interrupted after epoch 1');
    } }).catch((e: Error) => e);
    expect((first as Error).message).toBe('interrupted after epoch 1');
    expect((await loadFaceCheckpoint(file))!.epoch).toBe(1);
    const resumed = await distillStudent({ graph, weights: initializeWeights(graph, { seed: 99 }), set, tf, tfl, tfBackend: 'wasm', config: { ...config, epochs: 2 }, checkpointFile: file, resume: true });
    expect(resumed.startEpoch).toBe(1);
    expect(resumed.history.map((h) => h.loss)).toEqual(whole.history.map((h) => h.loss));
    for (const [name, w] of whole.weights) expect(resumed.weights.get(name)!.data, name).toEqual(w.data);
  });

  it('trainFromBlock freezes the earlier blocks; TF 1 RMSProp with warm-up; optimizer slots only for what trains', async () => {
    const file = path.join(dir, 'frozen.mkc');
    const rmsprop = { decay: 0.9, momentum: 0.9, epsilon: 1e-6, initialMeanSquare: 1 };
    const run = await distillStudent({ graph, weights, set, tf, tfl, tfBackend: 'wasm', validate: false, config: { ...config, learningRate: 0.05, epochs: 1, trainFromBlock: 12, warmupEpochs: 0.5, rmsprop }, checkpointFile: file });
    for (const name of ['conv1/kernel', 'conv_dw_11/depthwise_kernel', 'conv_pw_11/kernel', 'conv_dw_11_bn/gamma']) expect(run.weights.get(name)!.data, name).toEqual(weights.get(name)!.data);
    for (const name of ['conv_pw_12/kernel', 'conv_dw_13_bn/beta', 'embedding_head/dense/kernel']) expect(run.weights.get(name)!.data, name).not.toEqual(weights.get(name)!.data);
    const slots = (await loadFaceCheckpoint(file))!.optimizer;
    expect(slots.length).toBeGreaterThan(0);
    for (const slot of slots) expect(studentBlockOf(slot.name), slot.name).toBeGreaterThanOrEqual(12);
    expect(slots.map((s) => s.name)).toContain('embedding_head/dense/kernel/ms');
    await expect(distillStudent({ graph, weights, set, tf, tfl, tfBackend: 'wasm', config: { ...config, trainFromBlock: 15 } })).rejects.toThrow(/trainFromBlock.*0…14/);
  });

  it('block numbers of the student parameters and the learning-rate schedule', () => {
    expect(['conv1/bias', 'conv_dw_3/depthwise_kernel', 'conv_dw_12_bn/gamma', 'conv_pw_13/kernel', 'embedding_head/dense/bias'].map(studentBlockOf)).toEqual([0, 3, 12, 13, 14]);
    // 4 warm-up steps of 10: 0.25, 0.5, 0.75, 1 of the peak, then exponential decay to 5% at the last step.
    const lr = Array.from({ length: 10 }, (_, step) => embeddingLearningRate(step, 10, 0.1, 0.05, 4));
    expect(lr.slice(0, 5).map((x) => Number(x.toFixed(6)))).toEqual([0.025, 0.05, 0.075, 0.1, 0.1]);
    expect(lr[9]).toBeCloseTo(0.005, 10);
    for (let i = 5; i < 10; i++) expect(lr[i]!).toBeLessThan(lr[i - 1]!);
    // Cosine without warm-up is the trainer's earlier schedule; with warm-up it reaches 5% at the last step too.
    for (let step = 0; step < 10; step++) expect(embeddingLearningRate(step, 10, 0.1, 0.05, 0, 'cosine')).toBe(cosineLearningRate(step, 10, 0.1, 0.05));
    expect(embeddingLearningRate(3, 10, 0.1, 0.05, 4, 'cosine')).toBeCloseTo(0.1, 12);
    expect(embeddingLearningRate(9, 10, 0.1, 0.05, 4, 'cosine')).toBeCloseTo(0.005, 12);
  });

  it('extendTrainViews renders only training faces (photos only when asked), with the teacher of each view', async () => {
    // A stand-in teacher: the mean of each channel, so that a gray reduction is visible in its descriptor.
    const teacher = {
      inputSize: 16,
      embed: async (crops: readonly { data: Uint8Array }[]) =>
        crops.map((c) => Float32Array.from({ length: 128 }, (_, k) => {
          let s = 0;
          for (let i = k % 3; i < c.data.length; i += 3) s += c.data[i]!;
          return s / (c.data.length / 3);
        })),
      dispose: () => {},
    };
    const withLfw: DistillSet = { ...set, faces: set.faces.map((f, i) => (i === 1 ? { ...f, photo: 'lfw/001' } : f)) };
    const extended = await extendTrainViews(withLfw, teacher as never, { perFace: 3, augment: {}, lowRes: 5, gray: true, photosOnly: true, seed: 2 });
    const added = extended.trainViews.slice(set.trainViews.length);
    expect(added).toHaveLength(3 * 3);
    expect(new Set(added.map((v) => v.face))).toEqual(new Set([0, 2, 3]));
    for (const v of added) {
      expect(v.augmentation.lowRes).toBe(5);
      // Gray views: the three channel means agree.
      expect(v.teacher[0]).toBeCloseTo(v.teacher[1]!, 4);
    }
    expect(extended.heldOutViews).toBe(withLfw.heldOutViews);
    expect(extended.settings.extraViews).toHaveLength(1);
  });

  it('moreViews draws further views of every training face as the build does, the held-out views untouched', async () => {
    const teacher = { inputSize: 16, embed: async (crops: readonly unknown[]) => crops.map((_, i) => Float32Array.from({ length: 128 }, (_, k) => i + k)), dispose: () => {} };
    const extended = await extendTrainViews(set, teacher as never, moreViews(2, 9));
    const added = extended.trainViews.slice(set.trainViews.length);
    expect(added).toHaveLength(4 * 2);
    expect(new Set(added.map((v) => v.face))).toEqual(new Set(set.train));
    for (const { augmentation: a } of added) {
      // The build's default augmentation (FACE_AUGMENT_DEFAULTS): shifts ±5%, zoom ±10%, no reduction.
      expect(Math.abs(a.dx)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(a.zoom - 1)).toBeLessThanOrEqual(0.1);
      expect(a.lowRes).toBeUndefined();
    }
    expect(extended.heldOutViews).toBe(set.heldOutViews);
    expect(extended.settings.extraViews).toEqual([{ perFace: 2, augment: {}, seed: 9 }]);
  });

  it('mixupViews blend another training face into each view (never a held-out one), the teacher seeing the blend; the set keeps them on disk', async () => {
    const seen: Uint8Array[] = [];
    const teacher = { inputSize: 16, embed: async (crops: readonly { data: Uint8Array }[]) => crops.map((c) => (seen.push(c.data), Float32Array.from({ length: 128 }, (_, k) => c.data[k]! / 255))), dispose: () => {} };
    const extended = await extendTrainViews(set, teacher as never, mixupViews(3, 4));
    const added = extended.trainViews.slice(set.trainViews.length);
    expect(added).toHaveLength(4 * 3);
    expect(new Set(added.map((v) => v.face))).toEqual(new Set(set.train));
    const weights = added.map((v) => v.mix!.weight);
    for (const v of added) {
      expect(set.train).toContain(v.mix!.face);
      expect(v.mix!.face).not.toBe(v.face);
      expect(v.mix!.weight).toBeGreaterThanOrEqual(0);
      expect(v.mix!.weight).toBeLessThan(0.5);
    }
    expect(Math.max(...weights) - Math.min(...weights)).toBeGreaterThan(0.1);
    // The teacher saw exactly the blend of the two renderings, pixel by pixel.
    added.forEach((v, i) => {
      const a = renderView(set.faces[v.face]!, v.augmentation, 16).data;
      const b = renderView(set.faces[v.mix!.face]!, v.mix!.augmentation, 16).data;
      const blend = seen[i]!;
      for (let p = 0; p < a.length; p++) expect(Math.abs(blend[p]! - ((1 - v.mix!.weight) * a[p]! + v.mix!.weight * b[p]!))).toBeLessThanOrEqual(0.5);
      expect(renderDistillView(set.faces, v, 16).data).toEqual(blend);
    });
    expect(extended.heldOutViews).toBe(set.heldOutViews);
    // Saved and read back: the mix of every view survives, so a resumed run trains on the same images.
    await saveDistillSet(path.join(dir, 'mix-set'), extended);
    const loaded = (await loadDistillSet(path.join(dir, 'mix-set')))!;
    expect(loaded.trainViews.map((v) => v.mix)).toEqual(extended.trainViews.map((v) => v.mix));
    expect(loaded.trainViews.at(-1)!.teacher).toEqual(extended.trainViews.at(-1)!.teacher);
    await expect(extendTrainViews(set, teacher as never, { ...mixupViews(1, 4), mixup: 0.7 })).rejects.toThrow(/mixup.*0\.7.*\(0, 0\.5\]/);
    await expect(extendTrainViews({ ...set, train: [0] }, teacher as never, mixupViews(1, 4))).rejects.toThrow(/at least two training faces/);
  });

  it('relationalDistanceLoss is RKD-D: Huber of mean-normalized pairwise distances, blind to scale, with finite gradients', () => {
    const random = seededRandom(11);
    const rows = (n: number, d: number) => Array.from({ length: n }, () => Array.from({ length: d }, () => random() * 2 - 1));
    const s = rows(5, 4);
    const t = rows(5, 4);
    // Plain arithmetic, independent of the tensor code.
    const normalized = (x: number[][]) => {
      const d = x.map((a) => x.map((b) => Math.hypot(...a.map((v, k) => v - b[k]!))));
      const mean = d.flat().reduce((u, v) => u + v, 0) / (x.length * (x.length - 1));
      return d.map((r) => r.map((v) => v / mean));
    };
    const ns = normalized(s);
    const nt = normalized(t);
    let expected = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      if (i === j) continue;
      const x = Math.abs(ns[i]![j]! - nt[i]![j]!);
      expected += x < 1 ? 0.5 * x * x : x - 0.5;
    }
    expected /= 20;
    const before = tf.memory().numTensors;
    const [st, tt] = [tf.tensor2d(s), tf.tensor2d(t)];
    const loss = relationalDistanceLoss(tf, st, tt);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(expected).toBeGreaterThan(0.01);
    const scaled = tf.mul(tt, 3) as tf.Tensor2D;
    const same = relationalDistanceLoss(tf, scaled, tt);
    expect(same.dataSync()[0]).toBeCloseTo(0, 6);
    // A repeated row (a zero distance off the diagonal) and the diagonal's √0 give finite gradients.
    const repeated = tf.tensor2d([s[0]!, s[0]!, s[1]!, s[2]!]);
    const grad = tf.grad((x: tf.Tensor) => relationalDistanceLoss(tf, x as tf.Tensor2D, tf.tensor2d(t.slice(0, 4))))(repeated);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad.dataSync()).some((g) => g !== 0)).toBe(true);
    tf.dispose([st, tt, loss, scaled, same, repeated, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('distillStudent with a relational weight trains, and refuses a negative one', async () => {
    const run = await distillStudent({ graph, weights, set, tf, tfl, tfBackend: 'wasm', relational: 1, validate: false, config: { ...config, epochs: 1 } });
    expect(Number.isFinite(run.history[0]!.loss)).toBe(true);
    run.weights.forEach((w) => expect(w.data.every(Number.isFinite)).toBe(true));
    await expect(distillStudent({ graph, weights, set, tf, tfl, tfBackend: 'wasm', relational: -1, config: { ...config, epochs: 1 } })).rejects.toThrow(/relational.*-1.*finite weight ≥ 0/);
  });

  it('refuses a truncated or altered checkpoint, naming the file', async () => {
    const file = path.join(dir, 'whole.mkc');
    const bytes = new Uint8Array(await readFile(file));
    const truncated = path.join(dir, 'truncated.mkc');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 100));
    await expect(loadFaceCheckpoint(truncated)).rejects.toThrow(FaceCheckpointError);
    await expect(loadFaceCheckpoint(truncated)).rejects.toThrow(/truncated\.mkc: SHA-256 mismatch/);
    const altered = Uint8Array.from(bytes);
    altered[Math.floor(altered.length / 2)]! ^= 1;
    await writeFile(path.join(dir, 'altered.mkc'), altered);
    await expect(loadFaceCheckpoint(path.join(dir, 'altered.mkc'))).rejects.toThrow(/altered\.mkc: SHA-256 mismatch/);
    await writeFile(path.join(dir, 'other.mkc'), 'not a checkpoint');
    await expect(loadFaceCheckpoint(path.join(dir, 'other.mkc'))).rejects.toThrow(/not a face checkpoint/);
    expect(await loadFaceCheckpoint(path.join(dir, 'absent.mkc'))).toBeUndefined();
  });
});
