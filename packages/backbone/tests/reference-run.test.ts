import { runReference } from '@mobilenet-kit/core/reference';
import { describe, expect, it } from 'vitest';
import { initializeWeights, mobilenetV1, mulberry32 } from '../src/index';

// The built graph with initialized weights runs end to end on core's reference interpreter.
describe('a small MobileNet runs on the reference interpreter', () => {
  const graph = mobilenetV1({ alpha: 0.25, resolution: 32, classes: 10, taps: ['conv_pw_11', 'conv1'], scope: 'backbone' });
  const weights = initializeWeights(graph, { seed: 9 });
  const next = mulberry32(1);
  const image = { shape: [2, 32, 32, 3], data: Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => 2 * next() - 1) };
  const out = runReference(graph, weights, { input: image });

  it('gives a softmax per image', () => {
    expect(out.predictions!.shape).toEqual([2, 10]);
    for (let n = 0; n < 2; n++) {
      const row = out.predictions!.data.subarray(n * 10, n * 10 + 10);
      expect(row.every((p) => p > 0 && p < 1)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('gives the taps after ReLU6, within [0, 6]', () => {
    expect(out.conv1!.shape).toEqual([2, 16, 16, 8]);
    expect(out.conv_pw_11!.shape).toEqual([2, 2, 2, 128]);
    for (const tap of [out.conv1!, out.conv_pw_11!]) {
      expect(tap.data.every((v) => v >= 0 && v <= 6)).toBe(true);
      expect(tap.data.some((v) => v > 0)).toBe(true);
    }
  });

  it('is deterministic', () => {
    const again = runReference(graph, initializeWeights(graph, { seed: 9 }), { input: image });
    expect([...again.predictions!.data]).toEqual([...out.predictions!.data]);
  });
});
