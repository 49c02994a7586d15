import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { analyzeGraph, compile, graphCost, paramSpecs, type WeightTensor } from '@mobilenet-kit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDING_OUTPUT, FaceOptionError, embeddingHead } from '../src';

beforeAll(() => registerCpuBackend());

/** Deterministic small weights: a sine of the index, so no two parameters are alike. */
function weightsFor(graph: ReturnType<typeof embeddingHead>): Map<string, WeightTensor> {
  const weights = new Map<string, WeightTensor>();
  let k = 0;
  for (const spec of paramSpecs(graph)) {
    const n = spec.shape.reduce((a, d) => a * d, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = spec.name.endsWith('moving_variance') ? 1 : 0.1 * Math.sin(++k * 0.37);
    weights.set(spec.name, { shape: spec.shape, data });
  }
  return weights;
}

describe('embeddingHead', () => {
  it('puts global pool → dense → L2 normalize on a feature map, one output [N, D]', () => {
    const backbone = mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false });
    const graph = embeddingHead(backbone, { dimensions: 128 });
    expect(graph.outputs).toEqual([{ name: EMBEDDING_OUTPUT, node: 'embedding_head/l2_normalize' }]);
    const tail = graph.nodes.slice(-3).map((n) => [n.name, n.op]);
    expect(tail).toEqual([
      ['embedding_head/global_pool', 'globalAvgPool'],
      ['embedding_head/dense', 'dense'],
      ['embedding_head/l2_normalize', 'l2Normalize'],
    ]);
    expect(analyzeGraph(graph).shapes.get('embedding_head/l2_normalize')).toEqual([null, 128]);
    // The head adds C·D + D parameters (α = 0.25: C = 256) and C·D mult-adds.
    const head = paramSpecs(graph).filter((p) => p.name.startsWith('embedding_head/'));
    expect(head.map((p) => [p.name, p.shape])).toEqual([
      ['embedding_head/dense/kernel', [256, 128]],
      ['embedding_head/dense/bias', [128]],
    ]);
    expect(graphCost(graph).totals.multAdds - graphCost(backbone).totals.multAdds).toBe(256 * 128);
  });

  it('skips the pool on a pooled backbone and takes a named output', () => {
    const pooled = embeddingHead(mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false, pooling: 'avg' }), { dimensions: 64 });
    expect(pooled.nodes.some((n) => n.name === 'embedding_head/global_pool')).toBe(false);
    const tapped = embeddingHead(mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false, taps: ['conv_pw_11'] }), { dimensions: 32, from: 'conv_pw_11' });
    expect(tapped.nodes.find((n) => n.name === 'embedding_head/global_pool')!.inputs).toEqual(['conv_pw_11_relu']);
  });

  it('outputs unit vectors', async () => {
    const graph = embeddingHead(mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false }), { dimensions: 16 });
    const model = await compile(graph, weightsFor(graph), { backend: 'cpu' });
    const data = new Float32Array(2 * 128 * 128 * 3).map((_, i) => Math.cos(i * 0.01));
    const out = (await model.run({ input: { shape: [2, 128, 128, 3], data } }))[EMBEDDING_OUTPUT]!;
    model.dispose();
    expect(out.shape).toEqual([2, 16]);
    for (let b = 0; b < 2; b++) {
      const v = Array.from(out.data.subarray(b * 16, (b + 1) * 16) as Float32Array);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
  });

  it('refuses bad options, naming them', () => {
    const backbone = mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false });
    expect(() => embeddingHead(backbone, { dimensions: 0 })).toThrow(FaceOptionError);
    expect(() => embeddingHead(backbone, { dimensions: 1.5 })).toThrow(/"dimensions" = 1.5/);
    expect(() => embeddingHead(backbone, { from: 'conv_pw_3' })).toThrow(/no output so named; its outputs: conv_pw_13_relu/);
    expect(() => embeddingHead(backbone, { dimension: 128 } as never)).toThrow(/unknown option/);
  });
});
