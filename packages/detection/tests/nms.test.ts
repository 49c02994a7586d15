import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@mobilenet-kit/backbone';
import { beforeAll, describe, expect, it } from 'vitest';
import { intersectionOverUnion, nonMaxSuppression } from '../src';

function randomBoxes(n: number, seed: number) {
  const rand = mulberry32(seed);
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const y = rand() * 0.9;
    const x = rand() * 0.9;
    const h = 0.02 + rand() * 0.2;
    const w = 0.02 + rand() * 0.2;
    // Some boxes with flipped corners and a few exact score ties, as tfjs allows.
    if (i % 7 === 0) boxes.set([y + h, x + w, y, x], i * 4);
    else boxes.set([y, x, y + h, x + w], i * 4);
    scores[i] = i % 11 === 0 ? 0.75 : rand();
  }
  return { boxes, scores };
}

describe('nonMaxSuppression (tfjs semantics, plain TypeScript)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  it.each([
    [5118, 100, 0.5, 0.5],
    [5118, 20, 0.3, 0.1],
    [2000, 2000, 0.7, 0],
    [500, 5, 0.5, 0.9],
  ])('equals tf.image.nonMaxSuppressionAsync on %i random boxes (max %i, IoU %f, score > %f)', async (n, max, iouThreshold, scoreThreshold) => {
    const { boxes, scores } = randomBoxes(n, n + max);
    const ours = nonMaxSuppression(boxes, scores, max, iouThreshold, scoreThreshold);
    const b = tf.tensor2d(boxes, [n, 4]);
    const s = tf.tensor1d(scores);
    const t0 = performance.now();
    const ref = await tf.image.nonMaxSuppressionAsync(b, s, max, iouThreshold, scoreThreshold);
    const t1 = performance.now();
    nonMaxSuppression(boxes, scores, max, iouThreshold, scoreThreshold);
    const t2 = performance.now();
    const expected = Array.from(await ref.data());
    tf.dispose([b, s, ref]);
    console.log(`NMS on ${n} boxes: tfjs ${(t1 - t0).toFixed(2)} ms, ours ${(t2 - t1).toFixed(2)} ms, ${expected.length} kept`);
    expect(expected.length).toBeGreaterThan(0);
    expect(ours).toEqual(expected);
  });

  it('score threshold, IoU threshold and count are separate: each one alone changes the result', () => {
    // Three boxes: A (0.9), B overlaps A with IoU 0.6 (0.8), C apart (0.375, exact in float32).
    const boxes = new Float32Array([0, 0, 1, 1, 0, 0.25, 1, 1.25, 2, 2, 3, 3]);
    const scores = new Float32Array([0.9, 0.8, 0.375]);
    expect(intersectionOverUnion(boxes, 0, 1)).toBeCloseTo(0.6, 6);
    expect(nonMaxSuppression(boxes, scores, 10, 0.5, 0.3)).toEqual([0, 2]);
    expect(nonMaxSuppression(boxes, scores, 10, 0.7, 0.3)).toEqual([0, 1, 2]);
    expect(nonMaxSuppression(boxes, scores, 10, 0.7, 0.5)).toEqual([0, 1]);
    expect(nonMaxSuppression(boxes, scores, 1, 0.7, 0.3)).toEqual([0]);
    // Strictly above the score threshold, as tfjs.
    expect(nonMaxSuppression(boxes, scores, 10, 0.7, 0.375)).toEqual([0, 1]);
  });

  it('reads one class column of a [boxes, classes] score array', () => {
    const boxes = new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]);
    const scores = new Float32Array([0.1, 0.9, 0.2, 0.8, 0.3, 0.6]); // 2 boxes × 3 classes
    expect(nonMaxSuppression(boxes, scores, 10, 0.5, 0.5, { stride: 3, offset: 1 })).toEqual([0]);
    expect(nonMaxSuppression(boxes, scores, 10, 0.5, 0.5, { stride: 3, offset: 2 })).toEqual([1]);
  });
});
