import { GraphBuilder, paramSpecs } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import {
  BackboneOptionError,
  computeFans,
  deriveSeed,
  glorotUniformLimit,
  initializeWeights,
  mobilenetV1,
  mulberry32,
} from '../src/index';

const small = mobilenetV1({ alpha: 0.25, resolution: 32, classes: 10 });

/** Exact equality of two float arrays (toEqual is slow on large typed arrays). */
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('initializeWeights', () => {
  it('gives every parameter of the graph a tensor of its shape', () => {
    const weights = initializeWeights(small, { seed: 1 });
    const specs = paramSpecs(small);
    expect([...weights.keys()]).toEqual(specs.map((s) => s.name));
    for (const spec of specs) {
      const w = weights.get(spec.name)!;
      expect(w.shape).toEqual(spec.shape);
      expect(w.data).toBeInstanceOf(Float32Array);
      expect(w.data.length).toBe(spec.shape.reduce((a, b) => a * b, 1));
    }
  });

  it('is reproducible: same seed, same weights; another seed, other kernels', () => {
    const a = initializeWeights(small, { seed: 7 });
    const b = initializeWeights(small, { seed: 7 });
    const c = initializeWeights(small, { seed: 8 });
    for (const [name, w] of a) {
      expect(same(b.get(name)!.data, w.data), name).toBe(true);
      if (name.endsWith('kernel')) expect(same(c.get(name)!.data, w.data), name).toBe(false);
    }
    expect(initializeWeights(small).get('conv1/kernel')!.data).toEqual(initializeWeights(small, { seed: 0 }).get('conv1/kernel')!.data);
  });

  it('accepts negative and large safe-integer seeds, each its own stream', () => {
    const kernel = (seed: number) => initializeWeights(small, { seed }).get('conv1/kernel')!.data;
    const seeds = [-1, 0, 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const firsts = new Set(seeds.map((s) => kernel(s)[0]));
    expect(firsts.size).toBe(seeds.length);
    expect(kernel(-1)).toEqual(kernel(-1));
  });

  it('draws each parameter from its own stream, so a head on top does not change the backbone', () => {
    const withTop = initializeWeights(mobilenetV1({ alpha: 0.25, resolution: 32 }), { seed: 3 });
    const without = initializeWeights(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false }), { seed: 3 });
    for (const [name, w] of without) expect(same(withTop.get(name)!.data, w.data), name).toBe(true);
    // Different parameters of the same shape get different values.
    expect(withTop.get('conv_dw_8/depthwise_kernel')!.data).not.toEqual(withTop.get('conv_dw_9/depthwise_kernel')!.data);
  });

  it('initializes batch norm as Keras: gamma 1, beta 0, moving mean 0, moving variance 1; biases 0', () => {
    const weights = initializeWeights(small, { seed: 5 });
    const values = (name: string) => [...new Set(weights.get(name)!.data)];
    expect(values('conv_dw_4_bn/gamma')).toEqual([1]);
    expect(values('conv_dw_4_bn/beta')).toEqual([0]);
    expect(values('conv_dw_4_bn/moving_mean')).toEqual([0]);
    expect(values('conv_dw_4_bn/moving_variance')).toEqual([1]);
    expect(values('logits/bias')).toEqual([0]);
  });

  it('works for any graph: biased convs, dense layers, no batch norm', () => {
    const b = new GraphBuilder('head');
    const x = b.input('features', [null, 4, 4, 8]);
    const conv = b.add('head/conv', 'conv2d', [x], { filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true });
    const dw = b.add('head/dw', 'depthwiseConv2d', [conv], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 2, useBias: true });
    const pooled = b.add('head/pool', 'globalAvgPool', [dw], {});
    b.output(b.add('head/embedding', 'dense', [pooled], { units: 5, useBias: true }));
    const weights = initializeWeights(b.build(), { seed: 11 });
    expect([...weights.keys()]).toEqual(['head/conv/kernel', 'head/conv/bias', 'head/dw/depthwise_kernel', 'head/dw/bias', 'head/embedding/kernel', 'head/embedding/bias']);
    expect([...new Set(weights.get('head/conv/bias')!.data)]).toEqual([0]);
    const dense = weights.get('head/embedding/kernel')!;
    const limit = Math.sqrt(6 / (12 + 5));
    expect(Math.max(...dense.data.map(Math.abs))).toBeLessThanOrEqual(Math.fround(limit));
    expect(new Set(dense.data).size).toBe(60);
  });

  it('throws on a bad seed, quoting it', () => {
    for (const seed of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1']) {
      expect(() => initializeWeights(small, { seed: seed as number })).toThrow(BackboneOptionError);
      expect(() => initializeWeights(small, { seed: seed as number })).toThrow(/initializeWeights: option "seed" = .* the seed must be a safe integer/);
    }
  });
});

describe('glorot_uniform with the fans Keras computes', () => {
  it.each([
    ['conv 3×3×3×32', [3, 3, 3, 32], 27, 288],
    ['depthwise 3×3×32×1', [3, 3, 32, 1], 288, 9],
    ['pointwise 1×1×1024×1024', [1, 1, 1024, 1024], 1024, 1024],
    ['dense 1024×1000', [1024, 1000], 1024, 1000],
    ['vector', [7], 7, 7],
    ['scalar', [], 1, 1],
  ])('%s', (_name, shape, fanIn, fanOut) => {
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
    expect(glorotUniformLimit(shape)).toBeCloseTo(Math.sqrt(6 / (fanIn + fanOut)), 15);
  });

  // One million draws from U(-limit, limit): mean ≈ 0 (σ = 0.00058·limit), variance ≈ limit²/3
  // (relative σ ≈ 0.09%), every decile ≈ 10% (σ ≈ 0.03 points). Tolerances are ≥ 8σ.
  it('draws the pointwise 13 kernel of 1.0 MobileNet uniformly within the limit', () => {
    const g = mobilenetV1({ resolution: 32, includeTop: false });
    const kernel = initializeWeights(g, { seed: 2024 }).get('conv_pw_13/kernel')!.data;
    const limit = glorotUniformLimit([1, 1, 1024, 1024]);
    expect(limit).toBeCloseTo(Math.sqrt(6 / 2048), 15);
    let sum = 0;
    let sumSq = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const bins = new Array<number>(10).fill(0);
    for (const v of kernel) {
      sum += v;
      sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
      bins[Math.min(9, Math.floor(((v / limit + 1) / 2) * 10))]! += 1;
    }
    const n = kernel.length;
    expect(n).toBe(1024 * 1024);
    expect(max).toBeLessThanOrEqual(Math.fround(limit));
    expect(min).toBeGreaterThanOrEqual(-Math.fround(limit));
    expect(max).toBeGreaterThan(0.999 * limit);
    expect(min).toBeLessThan(-0.999 * limit);
    expect(Math.abs(sum / n)).toBeLessThan(0.005 * limit);
    expect(sumSq / n / ((limit * limit) / 3)).toBeCloseTo(1, 2);
    for (const count of bins) expect(Math.abs(count / n - 0.1)).toBeLessThan(0.003);
  });
});

describe('the seeded generator', () => {
  it('mulberry32 is deterministic and uniform in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const draws = Array.from({ length: 10_000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 10_000 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
    expect(new Set(draws).size).toBeGreaterThan(9_990);
  });

  it('derives different 32-bit seeds for different keys and seeds', () => {
    const seeds = new Set<number>();
    for (const seed of [0, 1, -1, 2 ** 32]) for (const key of ['conv1/kernel', 'conv_dw_1/depthwise_kernel', 'logits/kernel']) seeds.add(deriveSeed(seed, key));
    expect(seeds.size).toBe(12);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
