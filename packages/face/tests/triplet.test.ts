import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyAugmentation, collectFaceSamples, createEmbedder, drawAugmentation, embeddingHead, seededRandom } from '../src';
import { FACENET_TRIPLET_MARGIN, type LabeledFaces, batchHardTripletLoss, leaveOneOutAccuracy, trainTriplet } from '../src/training';
import { MODEL_DIR, decodeWithSharp, samplePath } from './helpers';

beforeAll(async () => {
  await registerWasmBackend().init?.();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
});

describe('batchHardTripletLoss', () => {
  it("takes each anchor's farthest positive and nearest negative, squared distances, FaceNet's margin 0.2", () => {
    expect(FACENET_TRIPLET_MARGIN).toBe(0.2);
    // Unit vectors on a circle: a0 (0°), a1 (60°) of person 0; b0 (90°), b1 (180°) of person 1.
    const at = (deg: number) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
    const e = tf.tensor2d([at(0), at(60), at(90), at(180)]);
    const d2 = (a: number, b: number) => 2 - 2 * Math.cos(((a - b) * Math.PI) / 180);
    const expected = [
      Math.max(0, d2(0, 60) - d2(0, 90) + 0.2), // a0: positive a1, nearest negative b0
      Math.max(0, d2(60, 0) - d2(60, 90) + 0.2), // a1: positive a0, nearest negative b0
      Math.max(0, d2(90, 180) - d2(90, 60) + 0.2), // b0: positive b1, nearest negative a1
      Math.max(0, d2(180, 90) - d2(180, 60) + 0.2), // b1: positive b0, nearest negative a1
    ];
    const loss = batchHardTripletLoss(tf, e, [0, 0, 1, 1]);
    expect(loss.dataSync()[0]).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 5);
    tf.dispose([e, loss]);
    expect(() => batchHardTripletLoss(tf, tf.tensor2d([[1, 0]]), [0])).toThrow(/no anchor has both a positive and a negative/);
  });

  it('leaveOneOutAccuracy: nearest other crop of the same label', () => {
    const v = (...x: number[]) => Float32Array.from(x);
    expect(leaveOneOutAccuracy([v(0, 0), v(0, 0.1), v(5, 5), v(5, 5.1), v(9, 9)], [0, 0, 1, 1, 2])).toBe(1);
    expect(leaveOneOutAccuracy([v(0, 0), v(5, 5), v(0, 0.1), v(5, 5.1)], [0, 0, 1, 1])).toBe(0);
  });
});

it('trainTriplet on a derived labeled set (6 faces of face-api samples, strongly augmented): loss falls, identification improves', async () => {
  const detector = await loadFaceDetector({ backend: 'wasm', modelDir: MODEL_DIR });
  const photos = [1, 2].map(async (i) => ({ name: `sample${i}.jpg`, image: await decodeWithSharp(samplePath(i)) }));
  const samples = await collectFaceSamples(await Promise.all(photos), detector).finally(() => detector.dispose());
  expect(samples.length).toBeGreaterThanOrEqual(6);
  // A person = one detected face; their "photos" are strong augmentations of it (shift, zoom, light, flip).
  const random = seededRandom(11);
  const strong = { shift: 0.12, scale: 0.2, brightness: 50, contrast: 0.4 };
  const person = (n: number) => (s: (typeof samples)[number]) => ({ label: s.id, crops: Array.from({ length: n }, () => applyAugmentation(s.crop, drawAugmentation(random, strong), 96)) });
  const people: LabeledFaces[] = samples.slice(0, 6).map(person(4));
  const validation: LabeledFaces[] = samples.slice(0, 6).map(person(3));
  // Any embedding graph trains; a small one keeps the test fast. Keras's Glorot kernels through the ReLU6 layers, with
  // batch norms at their initial statistics, shrink the features: the head's output before normalization has a norm of
  // 6e-10 (kernels as drawn), 1.5e-4 (×2), 0.2 (×3) on a test pattern, measured; with a tiny norm the head's bias takes
  // over at the first steps and every crop gets the same embedding. Kernels ×3 start the net where it can learn.
  const graph = embeddingHead(mobilenetV1({ alpha: 0.25, resolution: 32, variant: 'shallow', includeTop: false }), { dimensions: 32 });
  const weights = new Map([...initializeWeights(graph, { seed: 2 })].map(([n, w]) => [n, n.endsWith('kernel') ? { shape: w.shape, data: w.data.map((x) => 3 * x) } : w]));
  const before = await createEmbedder(graph, weights, { backend: 'wasm' });
  const labels = validation.flatMap((p, i) => p.crops.map(() => i));
  const initial = leaveOneOutAccuracy(await before.embed(validation.flatMap((p) => p.crops)), labels);
  before.dispose();
  const result = await trainTriplet({
    graph,
    weights,
    people,
    validation,
    tf,
    tfl,
    tfBackend: 'wasm',
    config: { epochs: 5, learningRate: 1e-4, seed: 4 },
    triplet: { peoplePerBatch: 6, cropsPerPerson: 3, batchesPerEpoch: 4 },
  });
  const losses = result.history.map((h) => h.loss);
  const accuracies = result.history.map((h) => h.valAccuracy!);
  console.log(`triplet: loss by epoch ${losses.map((l) => l.toFixed(3)).join(', ')}; leave-one-out identification ${initial.toFixed(3)} before, ${accuracies.map((a) => a.toFixed(3)).join(', ')}`);
  expect(losses[losses.length - 1]).toBeLessThan(losses[0]!);
  expect(accuracies[accuracies.length - 1]).toBeGreaterThan(initial);
});
