import { afterEach, describe, expect, it } from 'vitest';
import { conformanceMobileNetV1, createPrng, randomInputs, randomWeights } from '../src/conformance';
import { GraphBuilder, type HostTensor, compile, optimizeForInference, registerBackend, unregisterBackend, type WeightTensor } from '../src/index';
import { referenceBackend, runReference } from '../src/reference';

function convBnGraph() {
  const b = new GraphBuilder('conv_bn');
  const x = b.input('image', [null, 5, 6, 2]);
  const c = b.add('conv', 'conv2d', [x], { filters: 3, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
  const bn = b.add('bn', 'batchNorm', [c], { epsilon: 1e-3 });
  const r = b.add('relu', 'activation', [bn], { fn: 'relu6' });
  const d = b.add('drop', 'dropout', [r], { rate: 0.5 });
  return b.output(d, 'features').build();
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('runReference checks what it is given', () => {
  const graph = convBnGraph();
  const weights = randomWeights(graph, createPrng(3));
  const image = randomInputs(graph, createPrng(4), 2).image!;

  it('names a missing input, a wrong input shape and data that does not fill the shape', () => {
    expect(() => runReference(graph, weights, {})).toThrow(/node "image" \(input\): no value given/);
    expect(() => runReference(graph, weights, { image: { shape: [2, 6, 5, 2], data: image.data } })).toThrow(/\[\?, 5, 6, 2\].*\[2, 6, 5, 2\]/);
    expect(() => runReference(graph, weights, { image: { shape: [2, 5, 6, 2], data: new Float32Array(3) } })).toThrow(/data does not fill its shape/);
  });

  it('names a missing weight and a weight of the wrong shape', () => {
    const missing = new Map(weights);
    missing.delete('bn/moving_variance');
    expect(() => runReference(graph, missing, { image })).toThrow(/weight "bn\/moving_variance" is missing/);
    const wrong = new Map<string, WeightTensor>(weights);
    wrong.set('conv/kernel', { shape: [3, 3, 3, 2], data: new Float32Array(54) });
    expect(() => runReference(graph, wrong, { image })).toThrow(/weight "conv\/kernel" has shape \[3, 3, 3, 2\], the graph needs \[3, 3, 2, 3\]/);
  });

  it('returns outputs that never alias the inputs', () => {
    const b = new GraphBuilder('pass_through');
    const x = b.input('x', [null, 3]);
    const graphThrough = b.output(b.add('drop', 'dropout', [x], { rate: 0.1 }), 'a').output(x, 'b').build();
    const input: HostTensor = { shape: [1, 3], data: Float32Array.from([1, 2, 3]) };
    const out = runReference(graphThrough, new Map(), { x: input });
    expect([...out.a!.data]).toEqual([1, 2, 3]);
    expect([...out.b!.data]).toEqual([1, 2, 3]);
    expect(out.a!.data).not.toBe(input.data);
    expect(out.b!.data).not.toBe(input.data);
    expect(out.a!.data).not.toBe(out.b!.data);
  });

  it('runs a batch as its examples one by one', () => {
    const whole = runReference(graph, weights, { image }).features!;
    const per = whole.data.length / 2;
    for (let i = 0; i < 2; i++) {
      const one = { shape: [1, 5, 6, 2], data: image.data.slice(i * 60, (i + 1) * 60) };
      const alone = runReference(graph, weights, { image: one }).features!;
      expect(alone.shape).toEqual([1, 3, 3, 3]);
      expect([...alone.data]).toEqual([...whole.data.subarray(i * per, (i + 1) * per)]);
    }
  });

  it('gives the same outputs before and after the inference passes', () => {
    const optimized = optimizeForInference(graph, weights);
    expect(optimized.graph.nodes.map((n) => n.op)).toEqual(['input', 'conv2d']);
    const a = runReference(graph, weights, { image }).features!;
    const b = runReference(optimized.graph, optimized.weights, { image }).features!;
    expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-5);
  });
});

describe('a random-weight MobileNet through the reference', () => {
  it('0.25-128 gives non-degenerate outputs (so the model cases compare something)', () => {
    const graph = conformanceMobileNetV1({ alpha: 0.25, resolution: 128 });
    const prng = createPrng(11);
    const out = runReference(graph, randomWeights(graph, prng), randomInputs(graph, prng, 1));
    expect(out.features!.shape).toEqual([1, 1, 1, 256]);
    expect(out.logits!.shape).toEqual([1, 1000]);
    const nonZero = out.features!.data.filter((v) => v !== 0).length / 256;
    expect(nonZero).toBeGreaterThan(0.5);
    const logits = [...out.logits!.data];
    const mean = logits.reduce((a, v) => a + v, 0) / logits.length;
    const std = Math.sqrt(logits.reduce((a, v) => a + (v - mean) ** 2, 0) / logits.length);
    expect(std).toBeGreaterThan(0.1);
    expect(std).toBeLessThan(100);
    expect(out.probabilities!.data.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
  });
});

describe("the 'reference' backend", () => {
  afterEach(() => {
    unregisterBackend('reference');
  });

  it('compiles through the registry, folds BN by default, and matches runReference of the original graph', async () => {
    registerBackend(referenceBackend());
    const graph = convBnGraph();
    const weights = randomWeights(graph, createPrng(5));
    const image = randomInputs(graph, createPrng(6), 2).image!;
    const expected = runReference(graph, weights, { image }).features!;
    for (const optimize of [true, false]) {
      const model = await compile(graph, weights, { backend: 'reference', optimize });
      expect(model.backend).toEqual({ name: 'reference', optimized: optimize });
      expect(model.inputs).toEqual([{ name: 'image', shape: [null, 5, 6, 2], dtype: 'float32' }]);
      expect(model.outputs).toEqual([{ name: 'features', shape: [null, 3, 3, 3], dtype: 'float32' }]);
      const got = (await model.run({ image })).features!;
      expect(got.shape).toEqual([2, 3, 3, 3]);
      expect(maxAbsDiff(got.data, expected.data)).toBeLessThan(1e-5);
      model.dispose();
      await expect(model.run({ image })).rejects.toThrow(/disposed/);
    }
  });

  it('accepts tensor-like inputs with dataSync(), warms up, and names an unknown input', async () => {
    registerBackend(referenceBackend());
    const graph = convBnGraph();
    const weights = randomWeights(graph, createPrng(7));
    const image = randomInputs(graph, createPrng(8), 1).image!;
    const model = await compile(graph, weights, { backend: 'reference', warmup: true });
    const tensorLike = { shape: image.shape, dtype: 'float32', dataSync: () => Array.from(image.data) };
    const a = (await model.run({ image: tensorLike })).features!;
    const b = (await model.run({ image })).features!;
    expect([...a.data]).toEqual([...b.data]);
    await expect(model.run({ img: image })).rejects.toThrow(/"img" is not an input of model "conv_bn" \(inputs: image\)/);
    model.dispose();
  });

  it('fails at compile time on a missing weight', async () => {
    registerBackend(referenceBackend());
    const graph = convBnGraph();
    const weights = randomWeights(graph, createPrng(9));
    weights.delete('conv/kernel');
    await expect(compile(graph, weights, { backend: 'reference', optimize: false })).rejects.toThrow(/weight "conv\/kernel" is missing/);
  });
});
