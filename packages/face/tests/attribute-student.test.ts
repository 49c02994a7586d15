import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { graphCost } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Embedder, ATTRIBUTE_LOGITS_OUTPUT, ATTRIBUTE_VECTOR, attributeStudentGraph, createAttributePredictor, drawAugmentation, faceApiAgeGenderGraph, faceApiExpressionGraph, seededRandom } from '../src';
import {
  ATTRIBUTE_LOSS_DEFAULTS,
  type DistillSet,
  attributeAgreement,
  attributeDistillationLoss,
  attributeVectorFromLogits,
  distillAttributes,
  loadFaceCheckpoint,
  relabelDistillSet,
  softenProbabilities,
} from '../src/training';

const softmax = (xs: number[], t = 1) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp((x - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

/** A teacher-labelled vector: an age and two softmaxes of random logits. */
function randomVector(random: () => number): Float32Array {
  return Float32Array.from([10 + 60 * random(), ...softmax([random() * 4, random() * 4]), ...softmax(Array.from({ length: 7 }, () => random() * 6))]);
}

describe('the attribute student', () => {
  it('is one MobileNet with the three outputs of the two teachers, at a fraction of their cost', () => {
    const student = attributeStudentGraph({ alpha: 0.5, resolution: 128 });
    expect(student.outputs.map((o) => o.name)).toEqual(['age', 'gender', 'expression', ATTRIBUTE_LOGITS_OUTPUT]);
    const cost = (g: Parameters<typeof graphCost>[0]) => graphCost(g).totals.multAdds;
    const teachers = cost(faceApiAgeGenderGraph()) + cost(faceApiExpressionGraph());
    console.log(`attribute student 0.5-128: ${(cost(student) / 1e6).toFixed(1)}M mult-adds; the two teachers: ${(teachers / 1e6).toFixed(1)}M`);
    expect(cost(student)).toBeLessThan(teachers);
    expect(() => attributeStudentGraph({ resolution: 100 })).toThrow(/resolution.*multiple of 16/);
  });

  it('predicts through createAttributePredictor in one pass, probabilities summing to 1', async () => {
    await registerWasmBackend().init?.();
    const graph = attributeStudentGraph({ alpha: 0.25, resolution: 96 });
    const predictor = await createAttributePredictor([{ graph, weights: initializeWeights(graph, { seed: 1 }) }], { backend: 'wasm', normalize: 'minusOneToOne' });
    const random = seededRandom(3);
    const crop = { width: 50, height: 60, data: Uint8Array.from({ length: 50 * 60 * 3 }, () => Math.floor(random() * 256)) };
    const [a] = await predictor.predict([crop]);
    predictor.dispose();
    expect(Number.isFinite(a!.age)).toBe(true);
    expect(a!.gender.probabilities.male + a!.gender.probabilities.female).toBeCloseTo(1, 5);
    expect(Object.values(a!.expression.probabilities).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    await expect(predictor.predict([crop])).rejects.toThrow(/disposed/);
  });
});

describe('the attribute loss and agreement', () => {
  it('attributeDistillationLoss equals the formula computed by hand, with finite gradients and no tensor left over', () => {
    const random = seededRandom(11);
    const n = 3;
    const logits = Array.from({ length: n }, () => Array.from({ length: ATTRIBUTE_VECTOR.length }, () => random() * 4 - 2));
    logits.forEach((row) => {
      row[0] = 20 + 40 * random();
    });
    const teacher = Array.from({ length: n }, () => randomVector(random));
    const s = { ...ATTRIBUTE_LOSS_DEFAULTS, temperature: 2, age: 0.5, gender: 2, expression: 1.5 };
    const targets = teacher.map((v) => [v[0]!, ...softenProbabilities(v.subarray(1, 3), s.temperature), ...softenProbabilities(v.subarray(3), s.temperature)]);
    let age = 0;
    let ce = [0, 0];
    for (let i = 0; i < n; i++) {
      age += ((logits[i]![0]! - targets[i]![0]!) / s.ageScale) ** 2;
      for (const [k, [b, w]] of ([[1, 2], [3, 7]] as const).entries()) {
        const q = softmax(logits[i]!.slice(b, b + w), s.temperature);
        for (let j = 0; j < w; j++) ce[k]! += -targets[i]![b + j]! * Math.log(q[j]!);
      }
    }
    ce = ce.map((x) => x / n);
    const expected = (s.age * age) / n + s.temperature ** 2 * (s.gender * ce[0]! + s.expression * ce[1]!);
    const before = tf.memory().numTensors;
    const l = tf.tensor2d(logits.flat(), [n, ATTRIBUTE_VECTOR.length]);
    const t = tf.tensor2d(targets.flat(), [n, ATTRIBUTE_VECTOR.length]);
    const value = attributeDistillationLoss(tf, l, t, s);
    expect(value.dataSync()[0]).toBeCloseTo(expected, 4);
    const grad = tf.grad((x: tf.Tensor) => attributeDistillationLoss(tf, x as tf.Tensor2D, t, s))(l);
    expect([...grad.dataSync()].every(Number.isFinite)).toBe(true);
    tf.dispose([l, t, value, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('attributeAgreement counts agreements, the age difference and the KL divergence', () => {
    const t = [Float32Array.from([30, 0.9, 0.1, 0.7, 0.1, 0.05, 0.05, 0.05, 0.03, 0.02]), Float32Array.from([50, 0.2, 0.8, 0.1, 0.6, 0.1, 0.1, 0.05, 0.03, 0.02])];
    const s = [Float32Array.from([34, 0.6, 0.4, 0.7, 0.1, 0.05, 0.05, 0.05, 0.03, 0.02]), Float32Array.from([44, 0.7, 0.3, 0.6, 0.1, 0.1, 0.1, 0.05, 0.03, 0.02])];
    const a = attributeAgreement(s, t);
    expect(a.genderAgreement).toBe(0.5);
    expect(a.ageMeanAbsDiff).toBe(5);
    expect(a.expressionAgreement).toBe(0.5);
    const kl2 = 0.1 * Math.log(0.1 / 0.6) + 0.6 * Math.log(0.6 / 0.1);
    expect(a.expressionKl).toBeCloseTo(kl2 / 2, 6);
    const v = attributeVectorFromLogits([33, 0, Math.log(3), ...Array(7).fill(0)]);
    expect(v[0]).toBe(33);
    expect(v[2]).toBeCloseTo(0.75, 6);
  });
});

/** Five noise "faces", two views each, labelled by a made-up teacher that looks at the mean brightness. */
function syntheticSet(): DistillSet {
  const random = seededRandom(7);
  const faces = Array.from({ length: 5 }, (_, i) => ({
    id: `synthetic/${i}#0`,
    photo: `synthetic/${i}`,
    crop: { width: 40, height: 40, data: Uint8Array.from({ length: 40 * 40 * 3 }, () => Math.floor(random() * 256 * (0.3 + 0.15 * i))) },
    teacher: randomVector(random),
  }));
  const views = (face: number) => Array.from({ length: 2 }, () => ({ face, augmentation: drawAugmentation(random), teacher: new Float32Array(128) }));
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

describe('distillAttributes (tiny student, wasm)', () => {
  let dir: string;
  const graph = attributeStudentGraph({ alpha: 0.25, resolution: 96 });
  const weights = initializeWeights(graph, { seed: 3 });
  const brightnessTeacher: Embedder = {
    backend: { name: 'host', tfBackend: 'none' } as never,
    inputSize: 32,
    dimensions: ATTRIBUTE_VECTOR.length,
    embed: async (crops) =>
      (Array.isArray(crops) ? (crops as readonly RgbImage[]) : [crops as RgbImage]).map((c) => {
        const mean = c.data.reduce((a, b) => a + b, 0) / c.data.length / 255;
        return Float32Array.from([20 + 50 * mean, ...softmax([4 * mean, 1]), ...softmax(Array.from({ length: 7 }, (_, k) => (k === 1 ? 6 * mean : 1)))]);
      }),
    dispose: () => {},
  };
  const config = { batchSize: 4, learningRate: 1e-3, seed: 5 };
  beforeAll(async () => {
    await registerWasmBackend().init?.();
    dir = await mkdtemp(path.join(tmpdir(), 'face-attributes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('relabels the set with the teacher, lowers the loss, and resumes exactly', async () => {
    const set = await relabelDistillSet(syntheticSet(), brightnessTeacher);
    expect(set.trainViews[0]!.teacher).toHaveLength(ATTRIBUTE_VECTOR.length);
    expect(set.heldOut).toEqual([4]);
    await expect(distillAttributes({ graph, weights, set: syntheticSet(), tf, tfl, tfBackend: 'wasm' })).rejects.toThrow(/10-d vectors/);
    const whole = await distillAttributes({ graph, weights, set, tf, tfl, tfBackend: 'wasm', config: { ...config, epochs: 3 }, checkpointFile: path.join(dir, 'whole.mkc') });
    expect(whole.history).toHaveLength(3);
    expect(whole.history[2]!.loss).toBeLessThan(whole.history[0]!.loss);
    expect(whole.history[2]!.valGenderAgreement).toBeGreaterThanOrEqual(0);
    expect(whole.history[2]!.valAgeMae).toBeGreaterThan(0);
    // Only the trained output's layers train; the saved graph keeps its inference outputs.
    expect(whole.graph.outputs.map((o) => o.name)).toContain('expression');
    const file = path.join(dir, 'split.mkc');
    const first = await distillAttributes({ graph, weights, set, tf, tfl, tfBackend: 'wasm', config: { ...config, epochs: 3 }, checkpointFile: file, onEpoch: (e) => {
      if (e.epoch === 2) throw new Error('interrupted after epoch 2');
    } }).catch((e: Error) => e);
    expect((first as Error).message).toBe('interrupted after epoch 2');
    expect((await loadFaceCheckpoint(file))!.epoch).toBe(2);
    const resumed = await distillAttributes({ graph, weights: initializeWeights(graph, { seed: 99 }), set, tf, tfl, tfBackend: 'wasm', config: { ...config, epochs: 3 }, checkpointFile: file, resume: true });
    expect(resumed.startEpoch).toBe(2);
    expect(resumed.history.map((h) => h.loss)).toEqual(whole.history.map((h) => h.loss));
  });
});
