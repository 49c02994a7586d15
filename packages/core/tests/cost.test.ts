import { describe, expect, it } from 'vitest';
import { GraphBuilder, analyzeGraph, graphCost, paramSpecs } from '../src/index';

/** Rounds to millions with `digits` decimals, as the paper prints its figures. */
const millions = (n: number, digits: number) => Number((n / 1e6).toFixed(digits));

/** One 3×3 layer of the paper's Table 3 on an h×h×c map. */
function table3Layer(size: number, channels: number, separable: boolean) {
  const b = new GraphBuilder('table3');
  const x = b.input('x', [null, size, size, channels]);
  const last = separable
    ? b.add('pw', 'conv2d', [b.add('dw', 'depthwiseConv2d', [x], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1 })], {
        filters: channels,
        kernelSize: [1, 1],
        strides: [1, 1],
        padding: 'same',
      })
    : b.add('conv', 'conv2d', [x], { filters: channels, kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
  return graphCost(b.output(last).build()).totals;
}

describe("the paper's Table 3: one layer 14×14×512 → 512 with 3×3 kernels", () => {
  it('full convolution: 462M mult-adds, 2.36M params', () => {
    const t = table3Layer(14, 512, false);
    expect(t.multAdds).toBe(3 * 3 * 512 * 512 * 14 * 14); // 462,422,016
    expect(t.params).toBe(3 * 3 * 512 * 512); // 2,359,296
    expect(millions(t.multAdds, 0)).toBe(462);
    expect(millions(t.params, 2)).toBe(2.36);
  });

  it('depthwise separable: 52.3M mult-adds, 0.27M params', () => {
    const t = table3Layer(14, 512, true);
    expect(t.multAdds).toBe(3 * 3 * 512 * 14 * 14 + 512 * 512 * 14 * 14); // 903,168 + 51,380,224
    expect(t.params).toBe(3 * 3 * 512 + 512 * 512); // 4,608 + 262,144
    expect(millions(t.multAdds, 1)).toBe(52.3);
    expect(millions(t.params, 2)).toBe(0.27);
  });

  it('α = 0.75 (384 channels): 29.6M / 0.15M; and ρ = 0.714 (10×10): 15.1M / 0.15M', () => {
    const alpha = table3Layer(14, 384, true);
    expect(millions(alpha.multAdds, 1)).toBe(29.6);
    expect(millions(alpha.params, 2)).toBe(0.15);
    const rho = table3Layer(10, 384, true); // 14 · 0.714 = 10
    expect(millions(rho.multAdds, 1)).toBe(15.1);
    expect(millions(rho.params, 2)).toBe(0.15);
  });
});

/**
 * A tiny net with one layer of each of the paper's types:
 * x [8×8×3] → conv 3×3 s2 (4) + BN → dw 3×3 + BN → pw 1×1 (8, bias) → pool → dense (5, bias).
 */
function tinyNet() {
  const b = new GraphBuilder('tiny');
  const x = b.input('x', [null, 8, 8, 3]);
  const conv = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
  const bn1 = b.add('conv_bn', 'batchNorm', [conv], { epsilon: 1e-3 });
  const dw = b.add('dw', 'depthwiseConv2d', [bn1], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1 });
  const bn2 = b.add('dw_bn', 'batchNorm', [dw], { epsilon: 1e-3 });
  const relu = b.add('dw_relu', 'activation', [bn2], { fn: 'relu6' });
  const pw = b.add('pw', 'conv2d', [relu], { filters: 8, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true });
  const pool = b.add('pool', 'globalAvgPool', [pw], {});
  const fc = b.add('fc', 'dense', [pool], { units: 5, useBias: true });
  return b.output(b.add('softmax', 'activation', [fc], { fn: 'softmax' }), 'probabilities').build();
}

describe('graphCost on a net with every layer type', () => {
  // By hand (the conv output is 4×4):
  //   conv 3·3·3·4·4·4 = 1728 mult-adds, kernel 108
  //   dw   3·3·4·4·4   =  576,            kernel 36
  //   pw   4·8·4·4     =  512,            kernel 32, bias 8
  //   fc   8·5         =   40,            kernel 40, bias 5
  //   bn   4·4 (conv_bn) + 4·4 (dw_bn) = 32
  const cost = graphCost(tinyNet());

  it('counts mult-adds and params per node', () => {
    const byName = Object.fromEntries(cost.layers.map((l) => [l.name, l]));
    expect(cost.layers.map((l) => l.name)).toEqual(['x', 'conv', 'conv_bn', 'dw', 'dw_bn', 'dw_relu', 'pw', 'pool', 'fc', 'softmax']);
    expect(byName.conv).toMatchObject({ op: 'conv2d', layerType: 'conv', outputShape: [null, 4, 4, 4], multAdds: 1728, params: { kernel: 108, bias: 0, bn: 0 } });
    expect(byName.conv_bn).toMatchObject({ op: 'batchNorm', layerType: 'other', multAdds: 0, params: { kernel: 0, bias: 0, bn: 16 } });
    expect(byName.dw).toMatchObject({ layerType: 'depthwise', multAdds: 576, params: { kernel: 36, bias: 0, bn: 0 } });
    expect(byName.pw).toMatchObject({ layerType: 'pointwise', outputShape: [null, 4, 4, 8], multAdds: 512, params: { kernel: 32, bias: 8, bn: 0 } });
    expect(byName.pool).toMatchObject({ layerType: 'other', outputShape: [null, 8], multAdds: 0 });
    expect(byName.fc).toMatchObject({ layerType: 'dense', outputShape: [null, 5], multAdds: 40, params: { kernel: 40, bias: 5, bn: 0 } });
    expect(byName.softmax).toMatchObject({ layerType: 'other', multAdds: 0 });
  });

  it('reports params with and without bias and BN', () => {
    expect(cost.totals).toEqual({
      multAdds: 1728 + 576 + 512 + 40, // 2856
      params: 108 + 36 + 32 + 40, // 216: kernels only, the paper's count
      biasParams: 8 + 5,
      bnParams: 32,
      paramsWithBias: 216 + 13,
      paramsWithBiasAndBn: 216 + 13 + 32,
    });
    // The total with BN and bias is every parameter the graph owns.
    const all = paramSpecs(tinyNet()).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    expect(cost.totals.paramsWithBiasAndBn).toBe(all);
  });

  it('groups by layer type (Table 2) with percentages of the totals', () => {
    const total = 2856;
    const kernels = 216;
    expect(cost.byType.conv.multAdds).toBe(1728);
    expect(cost.byType.depthwise.multAdds).toBe(576);
    expect(cost.byType.pointwise.multAdds).toBe(512);
    expect(cost.byType.dense.multAdds).toBe(40);
    expect(cost.byType.conv.params).toBe(108);
    expect(cost.byType.depthwise.params).toBe(36);
    expect(cost.byType.pointwise.params).toBe(32);
    expect(cost.byType.dense.params).toBe(40);
    expect(cost.byType.conv.multAddsPercent).toBeCloseTo((100 * 1728) / total, 10); // 60.50%
    expect(cost.byType.depthwise.multAddsPercent).toBeCloseTo((100 * 576) / total, 10); // 20.17%
    expect(cost.byType.pointwise.multAddsPercent).toBeCloseTo((100 * 512) / total, 10); // 17.93%
    expect(cost.byType.dense.multAddsPercent).toBeCloseTo((100 * 40) / total, 10); // 1.40%
    expect(cost.byType.conv.paramsPercent).toBeCloseTo(50, 10); // 108 / 216
    expect(cost.byType.dense.paramsPercent).toBeCloseTo((100 * 40) / kernels, 10);
    const sum = (k: 'multAddsPercent' | 'paramsPercent') => Object.values(cost.byType).reduce((a, t) => a + t[k], 0);
    expect(sum('multAddsPercent')).toBeCloseTo(100, 10);
    expect(sum('paramsPercent')).toBeCloseTo(100, 10);
    expect(Object.keys(cost.byType).sort()).toEqual(['conv', 'dense', 'depthwise', 'pointwise']);
  });

  it('accepts a GraphInfo computed before and gives the same result', () => {
    const g = tinyNet();
    expect(graphCost(g, analyzeGraph(g))).toEqual(cost);
  });

  it('gives 0 percent, not NaN, for a graph without costed layers', () => {
    const b = new GraphBuilder('free');
    const g = b.output(b.add('r', 'activation', [b.input('x', [null, 4])], { fn: 'relu' })).build();
    const c = graphCost(g);
    expect(c.totals.multAdds).toBe(0);
    for (const t of Object.values(c.byType)) expect(t).toEqual({ multAdds: 0, params: 0, multAddsPercent: 0, paramsPercent: 0 });
  });

  it('counts a batch of 1 whatever the input batch is', () => {
    const b = new GraphBuilder('batch8');
    const g = b.output(b.add('fc', 'dense', [b.input('x', [8, 16])], { units: 4 })).build();
    expect(graphCost(g).totals.multAdds).toBe(16 * 4);
  });
});
