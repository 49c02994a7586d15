import { mobilenetV1, initializeWeights } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { classifierHead, classify, createClassifier } from '@mobilenet-kit/classification';
import { analyzeGraph, compile, graphCost as coreCost } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';

registerCpuBackend();
registerWasmBackend();

const backbone = mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false });
const labels = ['cat', 'dog', 'bird'];

describe('classifierHead', () => {
  it('adds pool, dropout, dense and softmax with labels in the metadata', () => {
    const head = classifierHead(backbone, { classes: 3, labels, dropout: 0.2 });
    const tail = head.graph.nodes.slice(-4).map((n) => [n.name, n.op]);
    expect(tail).toEqual([
      ['head/global_pool', 'globalAvgPool'],
      ['head/dropout', 'dropout'],
      ['head/logits', 'dense'],
      ['head/predictions', 'activation'],
    ]);
    expect(head.graph.outputs).toEqual([{ name: 'predictions', node: 'head/predictions' }]);
    const info = analyzeGraph(head.graph);
    expect(info.shapes.get('head/predictions')).toEqual([null, 3]);
    expect(head.metadata).toMatchObject({ task: 'classification', labels, input: 'input', output: 'predictions', preprocessing: { grayscale: false, contentSize: 32 } });
    // The head's FC: 256 features × 3 classes (0.25 × 1024 channels), as the paper counts FC mult-adds.
    expect(coreCost(head.graph).totals.multAdds - coreCost(backbone).totals.multAdds).toBe(256 * 3);
  });

  it('uses max pooling on request and takes an already pooled backbone as is', () => {
    expect(classifierHead(backbone, { classes: 2, pooling: 'max' }).graph.nodes.at(-4)!.op).toBe('globalMaxPool');
    const pooled = mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false, pooling: 'avg' });
    const head = classifierHead(pooled, { classes: 2 });
    expect(head.graph.nodes.filter((n) => n.op === 'globalAvgPool')).toHaveLength(1);
    expect(head.labels).toEqual(['0', '1']);
  });

  it('rejects bad options, naming the option, the value and what is allowed', () => {
    expect(() => classifierHead(backbone, { classes: 0 })).toThrow(/classes 0 is not allowed \(an integer ≥ 1\)/);
    expect(() => classifierHead(backbone, { classes: 3, labels: ['a'] })).toThrow(/one label per class: 3 labels/);
    expect(() => classifierHead(backbone, { classes: 3, dropout: 1 })).toThrow(/dropout 1 is not allowed/);
    expect(() => classifierHead(backbone, { classes: 3, pooling: 'sum' as 'avg' })).toThrow(/pooling "sum"/);
    expect(() => classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32 }), { classes: 3 })).toThrow(/already a softmax/);
    expect(() => classifierHead(backbone, { classes: 3, preprocessing: { contentSize: 40 } })).toThrow(/contentSize 40 .*1\.\.32/);
  });
});

describe('classify', () => {
  const head = classifierHead(backbone, { classes: 3, labels });
  const weights = initializeWeights(head.graph, { seed: 7 });
  const image = { width: 20, height: 16, data: Uint8Array.from({ length: 20 * 16 * 3 }, (_, i) => (i * 37) % 256) };
  const other = { width: 32, height: 32, data: Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 11) % 256) };

  for (const backend of ['cpu', 'wasm']) {
    it(`returns the top-k classes with probabilities, most probable first (${backend})`, async () => {
      const classifier = await createClassifier(head.graph, weights, head.metadata, { backend });
      try {
        const top = await classify(classifier, image, { topK: 2 });
        expect(top).toHaveLength(2);
        expect(top[0]!.probability).toBeGreaterThanOrEqual(top[1]!.probability);
        for (const p of top) expect(p.label).toBe(labels[p.index]);
        const all = await classify(classifier, [image, other], { topK: 5 });
        expect(all).toHaveLength(2);
        expect(all[0]).toHaveLength(3);
        expect(all[0]!.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 5);
        expect(all[0]![0]).toEqual(top[0]);
        // The same numbers as running the compiled graph on the preprocessed input directly.
        const direct = await compile(head.graph, weights, { backend });
        const { imagesToInput } = await import('@mobilenet-kit/classification');
        const out = await direct.run({ input: imagesToInput([{ ...other, channels: 3 }], head.metadata.preprocessing, 32) });
        direct.dispose();
        const byIndex = [...all[1]!].sort((a, b) => a.index - b.index).map((p) => p.probability);
        for (let c = 0; c < 3; c++) expect(byIndex[c]).toBeCloseTo(out.predictions!.data[c]!, 5);
      } finally {
        classifier.dispose();
      }
    });
  }

  it('refuses metadata that do not fit the graph and a bad topK', async () => {
    await expect(createClassifier(head.graph, weights, { ...head.metadata, labels: ['a', 'b'] }, { backend: 'cpu' })).rejects.toThrow(/one per class: the output has 3 classes/);
    await expect(createClassifier(head.graph, weights, {}, { backend: 'cpu' })).rejects.toThrow(/metadata\.task/);
    const classifier = await createClassifier(head.graph, weights, head.metadata, { backend: 'cpu' });
    await expect(classify(classifier, image, { topK: 0 })).rejects.toThrow(/topK 0/);
    classifier.dispose();
  });
});
