import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, OPS, OP_NAMES, OP_PARAMS, analyzeGraph, paramName } from '../src/index';

/** One node of each op that has parameters, with bias where it can have one, on an input of 5 channels. */
function paramsOf(op: string): readonly { name: string; shape: readonly number[] }[] {
  const b = new GraphBuilder('g');
  const x = b.input('x', op === 'dense' ? [null, 5] : [null, 4, 4, 5]);
  if (op === 'conv2d') b.add('n', 'conv2d', [x], { filters: 7, kernelSize: [3, 2], strides: [1, 1], padding: 'same', useBias: true });
  else if (op === 'depthwiseConv2d') b.add('n', 'depthwiseConv2d', [x], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 2, useBias: true });
  else if (op === 'dense') b.add('n', 'dense', [x], { units: 3, useBias: true });
  else if (op === 'batchNorm') b.add('n', 'batchNorm', [x], { epsilon: 1e-3 });
  const g = b.output('n').build();
  return analyzeGraph(g).params.get('n') ?? [];
}

describe('OP_PARAMS and the README table of parameter names', () => {
  const readme = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Parameter names per op'), readme.indexOf('## Conformance suite'));
  const rows = new Map(
    [...section.matchAll(/^\| `(\w+)` \| (.*) \|$/gm)].map((m) => [m[1]!, [...m[2]!.matchAll(/`(\w+)`(?: \[([^\]]*)\])?/g)].filter((p) => p[1] !== 'useBias').map((p) => p[1]!)]),
  );

  it('names what each op reads, in the order shape inference gives them', () => {
    for (const [op, params] of Object.entries(OP_PARAMS)) expect(paramsOf(op).map((p) => p.name)).toEqual(params.map((p) => paramName('n', p)));
  });

  it('covers every op with parameters, and the README lists exactly those', () => {
    // Every other op reads no weights: its params() is the empty list whatever it is given.
    for (const op of OP_NAMES) if (!(op in OP_PARAMS)) expect((OPS[op].params as (n: unknown, s: unknown[]) => unknown[])({ name: 'n', op, inputs: [], attrs: {} }, [[1, 4, 4, 5]]), op).toEqual([]);
    expect([...rows.keys()].sort()).toEqual(Object.keys(OP_PARAMS).sort());
    for (const [op, params] of Object.entries(OP_PARAMS)) expect(rows.get(op), op).toEqual([...params]);
  });

  it('the README shapes are the inferred ones', () => {
    const shapes = Object.fromEntries(Object.keys(OP_PARAMS).map((op) => [op, paramsOf(op).map((p) => p.shape)]));
    expect(shapes).toEqual({
      conv2d: [[3, 2, 5, 7], [7]],
      depthwiseConv2d: [[3, 3, 5, 2], [10]],
      dense: [[5, 3], [3]],
      batchNorm: [[5], [5], [5], [5]],
    });
  });
});
