import { describe, expect, it } from 'vitest';
import { analyzeGraph, consumers, inferNode, paramSpecs, type AnyNode, type Shape } from '../src/index';
import { everyOpGraph } from './helpers';

/** What analyzeGraph learns about a valid graph, and the small graph helpers. */

describe('analyzeGraph', () => {
  const graph = everyOpGraph();
  const info = analyzeGraph(graph);

  it('infers the shape of every node (16×16×3 through every op, by hand)', () => {
    expect(Object.fromEntries(info.shapes)).toEqual({
      image: [null, 16, 16, 3],
      'stem/conv': [null, 8, 8, 8], // 'same', stride 2: ceil(16 / 2)
      'block/dw': [null, 6, 6, 16], // 'valid' 3×3: 8 − 3 + 1; 8 channels × multiplier 2
      'block/dw_bn': [null, 6, 6, 16],
      'block/dw_relu': [null, 6, 6, 16],
      'block/pw': [null, 6, 6, 16],
      'pool/avg': [null, 3, 3, 16], // 'valid' 2×2 stride 2
      'pool/max': [null, 3, 3, 16], // 'same' stride 2: ceil(6 / 2)
      'merge/add': [null, 3, 3, 16],
      'merge/concat': [null, 3, 3, 32],
      'head/gap': [null, 1, 1, 32],
      'head/gmp': [null, 32],
      'head/flatten': [null, 32],
      'head/dropout': [null, 32],
      'head/fc': [null, 6],
      'head/reshape': [null, 3, 2],
      'head/l2': [null, 32],
      'head/softmax': [null, 3, 2],
    });
  });

  it('lists the input nodes in graph order', () => {
    expect(info.inputs).toEqual(['image']);
  });

  it('lists every parameter, in node order, named after its node', () => {
    expect(paramSpecs(graph).map((p) => `${p.name} [${p.shape.join(', ')}] ${p.role}`)).toEqual([
      'stem/conv/kernel [3, 3, 3, 8] kernel',
      'stem/conv/bias [8] bias',
      'block/dw/depthwise_kernel [3, 3, 8, 2] kernel',
      'block/dw_bn/gamma [16] bn',
      'block/dw_bn/beta [16] bn',
      'block/dw_bn/moving_mean [16] bn',
      'block/dw_bn/moving_variance [16] bn',
      'block/pw/kernel [1, 1, 16, 16] kernel',
      'head/fc/kernel [32, 6] kernel',
      'head/fc/bias [6] bias',
    ]);
    expect(paramSpecs(graph, info)).toEqual(paramSpecs(graph));
  });
});

describe('inferNode', () => {
  it('checks one node against known shapes and returns its shape and parameters', () => {
    const shapes = new Map<string, Shape>([['x', [null, 10]]]);
    const node = { name: 'fc', op: 'dense', inputs: ['x'], attrs: { units: 4, useBias: true } } as AnyNode;
    expect(inferNode(node, shapes)).toEqual({
      shape: [null, 4],
      params: [
        { name: 'fc/kernel', shape: [10, 4], role: 'kernel' },
        { name: 'fc/bias', shape: [4], role: 'bias' },
      ],
    });
  });
});

describe('consumers', () => {
  it('maps every node to the nodes that read it, in graph order', () => {
    const readers = consumers(everyOpGraph());
    const names = (n: string) => readers.get(n)?.map((r) => r.name);
    expect(names('block/pw')).toEqual(['pool/avg', 'pool/max']);
    expect(names('pool/avg')).toEqual(['merge/add', 'merge/concat']);
    expect(names('merge/concat')).toEqual(['head/gap', 'head/gmp']);
    expect(names('head/softmax')).toEqual([]);
    expect(readers.size).toBe(everyOpGraph().nodes.length);
  });
});
