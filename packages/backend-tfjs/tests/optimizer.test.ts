import { learningRateAt, RmsProp } from '@mobilenet-kit/backend-tfjs/training';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('RMSProp (TF 1)', () => {
  it('one step by hand: ms starts at 1, mom at 0', () => {
    const v = tf.variable(tf.tensor1d([1, -2]));
    const opt = new RmsProp(tf, { decay: 0.9, momentum: 0.9, epsilon: 1 });
    const vars = new Map([['w', v]]);
    tf.tidy(() => opt.apply(vars, new Map([['w', tf.tensor1d([0.5, -1])]]), 0.1));
    // ms = 0.9·1 + 0.1·g²: [0.925, 1.0]; mom = 0.1·g/√(ms+1): [0.0360375…, −0.0707107…]
    const ms = [0.9 + 0.1 * 0.25, 0.9 + 0.1 * 1];
    const mom = [(0.1 * 0.5) / Math.sqrt(ms[0]! + 1), (0.1 * -1) / Math.sqrt(ms[1]! + 1)];
    const w = v.dataSync();
    expect(w[0]).toBeCloseTo(1 - mom[0]!, 6);
    expect(w[1]).toBeCloseTo(-2 - mom[1]!, 6);
    tf.tidy(() => opt.apply(vars, new Map([['w', tf.tensor1d([0.5, -1])]]), 0.1));
    const ms2 = ms.map((m, i) => 0.9 * m + 0.1 * [0.25, 1][i]!);
    const mom2 = mom.map((m, i) => 0.9 * m + (0.1 * [0.5, -1][i]!) / Math.sqrt(ms2[i]! + 1));
    expect(v.dataSync()[0]).toBeCloseTo(1 - mom[0]! - mom2[0]!, 6);
    const state = opt.getState().get('w')!;
    expect(state.ms[1]).toBeCloseTo(ms2[1]!, 6);
    expect(state.mom[1]).toBeCloseTo(mom2[1]!, 6);
    const other = new RmsProp(tf);
    other.setState(opt.getState(), vars);
    expect([...other.getState().get('w')!.mom]).toEqual([...state.mom]);
    expect(() => other.setState(new Map([['x', state]]), vars)).toThrow(/"x", which is not a trainable parameter/);
    opt.dispose();
    other.dispose();
    v.dispose();
  });
});

describe('RMSProp with the mean-square slot at 0', () => {
  it("equals tfjs's tf.train.rmsprop (non-centered) step for step", () => {
    const start = [0.3, -1.2, 2];
    const grads = [[0.5, -1, 0.01], [0.2, 0.4, -0.03], [-0.7, 0.1, 0.02]];
    const ours = tf.variable(tf.tensor1d(start));
    const theirs = tf.variable(tf.tensor1d(start));
    const opt = new RmsProp(tf, { decay: 0.9, momentum: 0.9, epsilon: 1e-6, initialMeanSquare: 0 });
    const reference = tf.train.rmsprop(0.01, 0.9, 0.9, 1e-6);
    for (const g of grads) {
      tf.tidy(() => opt.apply(new Map([['w', ours]]), new Map([['w', tf.tensor1d(g)]]), 0.01));
      tf.tidy(() => reference.applyGradients({ [theirs.name]: tf.tensor1d(g) }));
    }
    const a = ours.dataSync();
    const b = theirs.dataSync();
    for (let i = 0; i < start.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
    opt.dispose();
    reference.dispose();
    ours.dispose();
    theirs.dispose();
  });
});

describe('learning-rate schedule', () => {
  it('learning rate: linear warm-up, then ×0.94 per period (staircase) or continuous', () => {
    const s = { base: 0.1, warmupSteps: 10, decayRate: 0.94, decaySteps: 100 };
    expect(learningRateAt(0, s)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(9, s)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(10, s)).toBe(0.1);
    expect(learningRateAt(109, s)).toBe(0.1);
    expect(learningRateAt(110, s)).toBeCloseTo(0.094, 12);
    expect(learningRateAt(60, { ...s, staircase: false })).toBeCloseTo(0.1 * 0.94 ** 0.5, 12);
  });
});
