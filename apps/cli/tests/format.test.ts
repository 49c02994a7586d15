import { GraphBuilder } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { formatActivationShape, formatCount, formatInteger, formatMillions, formatPercent, withSign } from '../src/format/numbers';
import { renderTable } from '../src/format/table';
import { listModel } from '../src/index';
import { compareFigure, parsePrinted } from '../src/paper/compare';

describe('numbers', () => {
  it('formats counts the way the paper prints them', () => {
    expect(formatCount(568_740_352)).toBe('568.7M');
    expect(formatCount(569_000_000)).toBe('569.0M');
    expect(formatCount(4_230_000)).toBe('4.23M');
    expect(formatCount(25_690_112)).toBe('25.69M');
    expect(formatCount(4_867_293_184)).toBe('4867.3M');
    expect(formatCount(903_168)).toBe('903.2K');
    expect(formatCount(864)).toBe('864');
    expect(formatCount(0)).toBe('0');
  });

  it('writes exact integers with separators, whatever the locale', () => {
    expect(formatInteger(568_740_352)).toBe('568,740,352');
    expect(formatInteger(999)).toBe('999');
    expect(formatInteger(1000)).toBe('1,000');
    expect(formatInteger(-1_234_567)).toBe('-1,234,567');
  });

  it('signs differences and never prints -0', () => {
    const m = (n: number) => formatMillions(n, 2);
    expect(withSign(-259_648, m)).toBe('-0.26M');
    expect(withSign(1_293_184, m)).toBe('+1.29M');
    expect(withSign(-1, m)).toBe('0.00M');
    expect(formatPercent(94.85664)).toBe('94.86%');
  });

  it('drops the batch dimension of shapes', () => {
    expect(formatActivationShape([null, 112, 112, 32])).toBe('112x112x32');
    expect(formatActivationShape([null, 1000])).toBe('1000');
  });
});

describe('renderTable', () => {
  it('pads columns, aligns numbers right, draws rules and trims trailing spaces', () => {
    const text = renderTable(
      [{ header: 'name' }, { header: 'n', align: 'right' }, { header: 'note' }],
      [['conv1', '864', ''], null, ['total', '4,209,088', 'x']],
    );
    expect(text.split('\n')).toEqual([
      'name           n  note',
      '-----  ---------  ----',
      'conv1        864',
      '-----  ---------  ----',
      'total  4,209,088  x',
    ]);
  });
});

describe('listModel', () => {
  // A small network with one layer of each kind: Table 1's type, stride and filter columns come from the graph.
  const b = new GraphBuilder('tiny');
  const x = b.input('input', [null, 8, 8, 3]);
  const conv = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
  const bn = b.add('conv_bn', 'batchNorm', [conv], { epsilon: 1e-3 });
  const relu = b.add('conv_relu', 'activation', [bn], { fn: 'relu6' });
  const dw = b.add('dw', 'depthwiseConv2d', [relu], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 2 });
  const pool = b.add('pool', 'globalAvgPool', [dw], {});
  const fc = b.add('fc', 'dense', [pool], { units: 5, useBias: true });
  const graph = b.output(b.add('softmax', 'activation', [fc], { fn: 'softmax' })).build();
  const listing = listModel(graph);
  const row = (name: string) => listing.layers.find((l) => l.name === name)!;

  it('lists every node with its type, stride and filter shape', () => {
    expect(listing.layers.map((l) => [l.name, l.type, l.strides, l.filterShape])).toEqual([
      ['input', 'Input', null, null],
      ['conv', 'Conv', [2, 2], [3, 3, 3, 4]],
      ['conv_bn', 'BatchNorm', null, null],
      ['conv_relu', 'ReLU6', null, null],
      ['dw', 'Conv dw', [1, 1], [3, 3, 4, 2]],
      ['pool', 'Avg Pool', null, [4, 4]],
      ['fc', 'FC', null, [8, 5]],
      ['softmax', 'Softmax', null, null],
    ]);
  });

  it("keeps the cost model's exact figures", () => {
    // conv: 3·3·3 · 4·4 · 4 = 1728; depthwise: 3·3 · 4·4 · 8 = 1152; FC: 8 · 5 = 40.
    expect([row('conv').multAdds, row('dw').multAdds, row('fc').multAdds]).toEqual([1728, 1152, 40]);
    expect(row('fc').params).toEqual({ kernel: 40, bias: 5, bn: 0 });
    expect(row('conv_bn').params.bn).toBe(16);
    expect(listing.totals).toMatchObject({ multAdds: 2920, params: 108 + 72 + 40, biasParams: 5, bnParams: 16 });
    expect(listing.byType.depthwise.multAdds).toBe(1152);
  });
});

describe('printed figures', () => {
  it('reads the value and the precision of a printed figure', () => {
    expect(parsePrinted('569M')).toEqual({ text: '569M', value: 569_000_000, step: 1_000_000 });
    expect(parsePrinted('4.2M')).toEqual({ text: '4.2M', value: 4_200_000, step: 100_000 });
    expect(parsePrinted('1.32M')).toEqual({ text: '1.32M', value: 1_320_000, step: 10_000 });
    expect(parsePrinted('94.86%').value).toBeCloseTo(94.86, 12);
    expect(() => parsePrinted('1.2B')).toThrow(/cannot read the printed figure "1.2B"/);
  });

  it('compares against the printed figure, or the meant one for a misprint', () => {
    const c = compareFigure('569M', 568_740_352, { kind: 'percent', percent: 0.5, source: 'test' });
    expect(c).toMatchObject({ printed: 569_000_000, expected: 569_000_000, difference: -259_648, withinTolerance: true });
    expect(c.differencePercent).toBeCloseTo(-0.0456, 4);
    expect(c.tolerance).toBeCloseTo(2_845_000, 6);
    expect(compareFigure('569M', 575_000_000, { kind: 'percent', percent: 0.5, source: 'test' }).withinTolerance).toBe(false);
    const misprint = compareFigure('1.19%', 1.9056, { kind: 'points', points: 0.01, source: 'test' }, { meant: '1.91%', note: 'n' });
    expect(misprint).toMatchObject({ printed: 1.19, expected: 1.91, withinTolerance: true, note: 'n' });
    expect(misprint.difference).toBeCloseTo(0.7156, 4);
    // '0.5M' is printed to one decimal: anything in [0.45M, 0.55M] rounds to it.
    expect(compareFigure('0.5M', 463_600, { kind: 'printedPrecision' }).withinTolerance).toBe(true);
    expect(compareFigure('0.5M', 449_000, { kind: 'printedPrecision' }).withinTolerance).toBe(false);
  });
});
