import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { mineHardNegatives, type SsdTargets, ssdLoss } from '../src/training';

const softplus = (x: number) => Math.log1p(Math.exp(x));
/** Sigmoid cross-entropy of logit x against target z, by its definition −z·log σ(x) − (1−z)·log(1−σ(x)). */
const sigmoidCe = (x: number, z: number) => z * softplus(-x) + (1 - z) * softplus(x);
const huber = (d: number) => (Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5);

/** One image, three anchors: a0 positive (class 1), a1 and a2 negatives. */
const TARGETS: SsdTargets = {
  batchSize: 1,
  numAnchors: 3,
  boxTargets: Float32Array.from([0.5, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  classTargets: Int32Array.from([1, 0, 0]),
  matches: Int32Array.from([0, -1, -1]),
  numPositives: 1,
};
const BOXES = [
  [0, 0, 0.3, 0],
  [9, 9, 9, 9], // negatives' box predictions do not count
  [-7, 3, 1, 2],
];
const LOGITS = [
  [0.2, 1.5],
  [-1, 2], // the harder negative
  [3, -3],
];

function lossOf(options: Parameters<typeof ssdLoss>[2], logits = LOGITS, boxes = BOXES, targets = TARGETS) {
  return tf.tidy(() => {
    const l = ssdLoss({ boxEncodings: tf.tensor3d([boxes]), classLogits: tf.tensor3d([logits]) }, targets, options);
    return { loss: l.loss.dataSync()[0]!, loc: l.locLoss.dataSync()[0]!, cls: l.clsLoss.dataSync()[0]!, pos: l.numPositives, neg: l.numNegatives };
  });
}

describe('ssdLoss', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  it('smooth-L1 of the positive only: Huber(δ=1) summed over ty, tx, th, tw', () => {
    // Differences 0.5, 2, 0.3, 0 → 0.125 + 1.5 + 0.045 + 0.
    const { loc } = lossOf({});
    expect(loc).toBeCloseTo(0.125 + 1.5 + 0.045, 6);
    expect(loc).toBeCloseTo([0.5, 2, 0.3, 0].map(huber).reduce((a, b) => a + b), 6);
  });

  it('sigmoid cross-entropy over all columns with one-hot targets, background for negatives, mined 3:1', () => {
    const ce0 = sigmoidCe(0.2, 0) + sigmoidCe(1.5, 1);
    const ce1 = sigmoidCe(-1, 1) + sigmoidCe(2, 0);
    const ce2 = sigmoidCe(3, 1) + sigmoidCe(-3, 0);
    // One positive: at most 3 negatives, there are only 2: both count.
    const all = lossOf({});
    expect(all.cls).toBeCloseTo(ce0 + ce1 + ce2, 5);
    expect(all.pos).toBe(1);
    expect(all.neg).toBe(2);
    expect(all.loss).toBeCloseTo(all.loc + all.cls, 5);
    // 1 negative per positive: the one with the larger loss (a1).
    expect(ce1).toBeGreaterThan(ce2);
    const one = lossOf({ negativesPerPositive: 1 });
    expect(one.cls).toBeCloseTo(ce0 + ce1, 5);
    expect(one.neg).toBe(1);
    // None: positives only.
    expect(lossOf({ negativesPerPositive: 0 }).cls).toBeCloseTo(ce0, 5);
    // Weights scale the parts of the total.
    const weighted = lossOf({ locWeight: 2, clsWeight: 0.5 });
    expect(weighted.loss).toBeCloseTo(2 * all.loc + 0.5 * all.cls, 5);
  });

  it('softmax cross-entropy: −log softmax(x)[target] per anchor', () => {
    const lse = (v: number[]) => Math.log(v.reduce((s, x) => s + Math.exp(x), 0));
    const expected = lse(LOGITS[0]!) - 1.5 + (lse(LOGITS[1]!) - -1) + (lse(LOGITS[2]!) - 3);
    expect(lossOf({ classification: 'softmax' }).cls).toBeCloseTo(expected, 5);
  });

  it('divides by the number of positives in the batch and leaves ignored anchors out', () => {
    // Two images: the first as above, the second with two positives and an ignored anchor that has a huge loss.
    const targets: SsdTargets = {
      batchSize: 2,
      numAnchors: 3,
      boxTargets: Float32Array.from([...TARGETS.boxTargets, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]),
      classTargets: Int32Array.from([1, 0, 0, 1, 1, 0]),
      matches: Int32Array.from([0, -1, -1, 0, 1, -2]),
      numPositives: 3,
    };
    const logits2 = [
      [0, 0],
      [0, 0],
      [-20, 20],
    ];
    const l = tf.tidy(() => {
      const r = ssdLoss({ boxEncodings: tf.tensor3d([BOXES, [[0, 0, 0, 0], [0, 0, 0, 0], [5, 5, 5, 5]]]), classLogits: tf.tensor3d([LOGITS, logits2]) }, targets);
      return { loc: r.locLoss.dataSync()[0]!, cls: r.clsLoss.dataSync()[0]!, neg: r.numNegatives };
    });
    const ce = (x: number[], t: number) => sigmoidCe(x[0]!, t === 0 ? 1 : 0) + sigmoidCe(x[1]!, t === 1 ? 1 : 0);
    const clsSum = ce(LOGITS[0]!, 1) + ce(LOGITS[1]!, 0) + ce(LOGITS[2]!, 0) + ce([0, 0], 1) + ce([0, 0], 1);
    const locSum = 1.67 + 4 * huber(1);
    expect(l.cls).toBeCloseTo(clsSum / 3, 5);
    expect(l.loc).toBeCloseTo(locSum / 3, 5);
    expect(l.neg).toBe(2);
  });

  it('is differentiable: gradients reach positives and mined negatives only', () => {
    const grads = tf.tidy(() => {
      const boxes = tf.tensor3d([BOXES]);
      const g = tf.grads((b: tf.Tensor, c: tf.Tensor) => ssdLoss({ boxEncodings: b, classLogits: c }, TARGETS, { negativesPerPositive: 1 }).loss);
      const [gb, gc] = g([boxes, tf.tensor3d([LOGITS])]);
      return { boxes: Array.from(gb!.dataSync()), logits: Array.from(gc!.dataSync()) };
    });
    // Box gradient: Huber' = clip(d, −1, 1) on the positive (d = prediction − target), zero on negatives.
    expect(grads.boxes.slice(0, 4).map((v) => Number(v.toFixed(5)))).toEqual([-0.5, 1, 0.3, 0]);
    expect(grads.boxes.slice(4).every((v) => v === 0)).toBe(true);
    // Logit gradient σ(x) − z on a0 and a1; a2 was not mined.
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    [sig(0.2), sig(1.5) - 1, sig(-1) - 1, sig(2)].forEach((v, i) => expect(grads.logits[i]).toBeCloseTo(v, 5));
    expect(grads.logits.slice(4)).toEqual([0, 0]);
  });

  it('checks shapes and labels against the targets', () => {
    expect(() => lossOf({}, LOGITS, BOXES.slice(0, 2))).toThrow(/boxEncodings\.shape.*\[1, 3, 4\]/);
    expect(() => lossOf({}, LOGITS.map((r) => r.slice(0, 1)))).toThrow(/classLogits\.shape/);
    expect(() => lossOf({}, LOGITS, BOXES, { ...TARGETS, classTargets: Int32Array.from([2, 0, 0]) })).toThrow(/class ids 1…1/);
    expect(() => lossOf({ negativesPerPositive: -1 })).toThrow(/negativesPerPositive/);
    expect(() => lossOf({ classification: 'hinge' as 'softmax' })).toThrow(/"sigmoid" or "softmax"/);
  });
});

describe('mineHardNegatives', () => {
  it('keeps every positive and the top-loss negatives up to the ratio per image; never an ignored anchor', () => {
    // Image 0: 2 positives (a0, a1), an ignored anchor with the largest loss (a2), 9 negatives with losses 1…9.
    // Image 1: no positives; minNegativesPerImage 2 keeps its two hardest negatives.
    const A = 12;
    const losses = new Float32Array(2 * A);
    const matches = new Int32Array(2 * A).fill(-1);
    matches[0] = 0;
    matches[1] = 1;
    matches[2] = -2;
    losses[2] = 100;
    for (let a = 3; a < A; a++) losses[a] = a - 2;
    for (let a = 0; a < A; a++) losses[A + a] = (a * 7) % 12;
    const mined = mineHardNegatives(losses, matches, 2, A, { negativesPerPositive: 3, minNegativesPerImage: 2 });
    const kept = (image: number) => [...mined.mask.subarray(image * A, (image + 1) * A)].flatMap((m, a) => (m ? [a] : []));
    // 6 = 3 · 2 negatives: losses 9, 8, 7, 6, 5, 4 at anchors 11…6.
    expect(kept(0)).toEqual([0, 1, 6, 7, 8, 9, 10, 11]);
    // (a·7) mod 12 is 11 at a = 5 and 10 at a = 10.
    expect(kept(1)).toEqual([5, 10]);
    expect(mined.numPositives).toBe(2);
    expect(mined.numNegatives).toBe(8);
    // Infinity keeps every negative.
    expect(mineHardNegatives(losses, matches, 2, A, { negativesPerPositive: Number.POSITIVE_INFINITY }).numNegatives).toBe(9 + 12);
  });
});
