import { describe, expect, it } from 'vitest';
import { filterText, GraphBuilder, graphCost, listLayers, strideText, table1Rows } from '../src/index';

// conv → BN → ReLU6 → depthwise (multiplier 2, stride 2×1) → dropout → global pool → FC → softmax
const b = new GraphBuilder('tiny');
const x = b.input('input', [null, 8, 8, 3]);
const conv = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
const bn = b.add('conv_bn', 'batchNorm', [conv], { epsilon: 1e-3 });
const relu = b.add('conv_relu', 'activation', [bn], { fn: 'relu6' });
const dw = b.add('dw', 'depthwiseConv2d', [relu], { kernelSize: [3, 3], strides: [2, 1], padding: 'same', depthMultiplier: 2 });
const drop = b.add('drop', 'dropout', [dw], { rate: 0.1 });
const pool = b.add('pool', 'globalAvgPool', [drop], {});
const fc = b.add('fc', 'dense', [pool], { units: 5, useBias: true });
const graph = b.output(b.add('softmax', 'activation', [fc], { fn: 'softmax' })).build();

describe('listLayers and table1Rows', () => {
  const listing = listLayers(graph);

  it('folds batch norm and ReLU into the conv row above, keeping their parameters there, and omits the ops asked for', () => {
    const rows = table1Rows(listing, { omit: ['input', 'dropout'] });
    expect(rows.map((r) => r.layer.name)).toEqual(['conv', 'dw', 'pool', 'fc', 'softmax']);
    // conv: BN's 4 × 4 parameters; fc: 5 biases.
    expect(rows.map((r) => r.otherParams)).toEqual([16, 0, 0, 5, 0]);
    const cost = graphCost(graph).totals;
    expect(rows.reduce((s, r) => s + r.otherParams, 0)).toBe(cost.biasParams + cost.bnParams);
    expect(rows.reduce((s, r) => s + r.layer.multAdds, 0)).toBe(cost.multAdds);
  });

  it('lists every node unfolded when asked', () => {
    expect(table1Rows(listing, { fold: false })).toHaveLength(graph.nodes.length);
  });

  it("writes Table 1's filter and stride columns", () => {
    const layer = (name: string) => listing.layers.find((l) => l.name === name)!;
    expect(filterText(layer('conv'))).toBe('3×3×3×4');
    expect(filterText(layer('dw'), 'x')).toBe('3x3x4x2 dw');
    expect(filterText(layer('pool'))).toBe('2×4');
    expect(filterText(layer('softmax'))).toBe('');
    expect(strideText(layer('conv'))).toBe('s2');
    expect(strideText(layer('dw'))).toBe('s2×1');
    expect(strideText(layer('fc'))).toBe('');
  });
});
