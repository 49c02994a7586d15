import { describe, expect, it } from 'vitest';
import { createPrng, maxAbsDiff, uniformParamValue, withRandomBatchNorm } from '../src/conformance';
import type { Weights } from '../src/index';

describe('uniformParamValue', () => {
  it('maps [0, 1) onto each parameter range', () => {
    expect(uniformParamValue('gamma', 0)).toBe(0.5);
    expect(uniformParamValue('gamma', 0.75)).toBe(1.25);
    expect(uniformParamValue('moving_variance', 0)).toBeCloseTo(0.1, 12);
    expect(uniformParamValue('beta', 0.25)).toBe(-0.25);
    expect(uniformParamValue('kernel', 0.75)).toBe(0.25);
  });
});

describe('withRandomBatchNorm', () => {
  const weights: Weights = new Map([
    ['conv/kernel', { shape: [1, 1, 1, 2], data: Float32Array.from([3, 4]) }],
    ['bn/gamma', { shape: [2], data: Float32Array.from([1, 1]) }],
    ['bn/beta', { shape: [2], data: Float32Array.from([0, 0]) }],
    ['bn/moving_mean', { shape: [2], data: Float32Array.from([0, 0]) }],
    ['bn/moving_variance', { shape: [2], data: Float32Array.from([1, 1]) }],
  ]);

  it('keeps non-BN weights and draws BN statistics within their ranges', () => {
    const out = withRandomBatchNorm(weights, createPrng(4));
    expect(out.get('conv/kernel')).toBe(weights.get('conv/kernel'));
    for (const v of out.get('bn/gamma')!.data) expect(v >= 0.5 && v < 1.5).toBe(true);
    for (const v of out.get('bn/moving_variance')!.data) expect(v >= 0.1 && v < 1.1).toBe(true);
    for (const name of ['bn/beta', 'bn/moving_mean']) for (const v of out.get(name)!.data) expect(v >= -0.5 && v < 0.5).toBe(true);
    expect([...out.get('bn/gamma')!.data]).not.toEqual([1, 1]);
    expect(out.get('bn/beta')!.shape).toEqual([2]);
  });

  it('draws the stream in weight order, so a seed reproduces the same values', () => {
    const prng = createPrng(4);
    const expected = ['gamma', 'beta', 'moving_mean', 'moving_variance'].flatMap((p) => [prng.next(), prng.next()].map((r) => Math.fround(uniformParamValue(p, r))));
    const out = withRandomBatchNorm(weights, createPrng(4));
    expect(['gamma', 'beta', 'moving_mean', 'moving_variance'].flatMap((p) => [...out.get(`bn/${p}`)!.data])).toEqual(expected);
  });
});

describe('maxAbsDiff', () => {
  it('returns the largest absolute difference', () => {
    expect(maxAbsDiff([1, 2, 3], Float32Array.from([1, 2.5, 1]))).toBe(2);
    expect(maxAbsDiff([], [])).toBe(0);
  });

  it('names both lengths when they differ', () => {
    expect(() => maxAbsDiff([1, 2], [1])).toThrow('maxAbsDiff: lengths differ: 2 vs 1');
  });
});
