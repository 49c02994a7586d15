import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead } from '@mobilenet-kit/classification';
import { compile, type Graph, type HostTensor } from '@mobilenet-kit/core';
import { createPrng, randomTensor, randomWeights } from '@mobilenet-kit/core/conformance';
import { runReference } from '@mobilenet-kit/core/reference';
import { embeddingHead } from '@mobilenet-kit/face';
import { describe, expect, it } from 'vitest';
import { registerOnnxruntimeBackend } from '../src/index';

/** The task heads' graphs compile and run on 'onnxruntime' unchanged, equal to core's reference within 1e-4. */
async function expectSameAsReference(graph: Graph): Promise<Record<string, HostTensor>> {
  const weights = randomWeights(graph, createPrng(4));
  const inputs = { input: randomTensor([2, 128, 128, 3], createPrng(9)) };
  const expected = runReference(graph, weights, inputs);
  const model = await compile(graph, weights, { backend: 'onnxruntime' });
  try {
    const got = await model.run(inputs);
    for (const [name, e] of Object.entries(expected)) {
      expect(got[name]!.shape).toEqual(e.shape);
      let worst = 0;
      e.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[name]!.data[i]! - v))));
      expect(worst, name).toBeLessThanOrEqual(1e-4);
    }
    return got;
  } finally {
    model.dispose();
  }
}

describe('task heads on onnxruntime', () => {
  registerOnnxruntimeBackend({ threads: 1 });
  const backbone = mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false });

  it('classification: classifierHead (pool, dropout, FC, softmax)', async () => {
    const { graph } = classifierHead(backbone, { classes: 10 });
    const out = await expectSameAsReference(graph);
    const probabilities = Object.values(out).find((t) => t.shape[1] === 10)!;
    expect(probabilities.data.slice(0, 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('face: embeddingHead (pool, FC, L2 normalize)', async () => {
    const out = await expectSameAsReference(embeddingHead(backbone, { dimensions: 128 }));
    const embedding = Object.values(out).find((t) => t.shape[1] === 128)!;
    expect(Math.hypot(...embedding.data.slice(0, 128))).toBeCloseTo(1, 5);
  });
});
