import { compile, getBackend, GraphBuilder, listBackends, unregisterBackend } from '@mobilenet-kit/core';
import { createPrng, randomWeights } from '@mobilenet-kit/core/conformance';
import { runReference } from '@mobilenet-kit/core/reference';
import { afterAll, describe, expect, it } from 'vitest';
import { importRuntime, onnxruntimeBackend, registerOnnxruntimeBackend } from '../src/index';

function smallGraph() {
  const b = new GraphBuilder('small');
  const x = b.input('image', [null, 6, 6, 3]);
  const c = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu6' });
  b.output(c, 'features');
  b.output(b.add('probs', 'activation', [b.add('fc', 'dense', [b.add('pool', 'globalAvgPool', [c], {})], { units: 3, useBias: true })], { fn: 'softmax' }), 'probabilities');
  const graph = b.build();
  return { graph, weights: randomWeights(graph, createPrng(3)) };
}

const input = (batch: number) => ({ shape: [batch, 6, 6, 3], data: Float32Array.from({ length: batch * 108 }, (_, i) => Math.sin(i)) });

describe("the 'onnxruntime' backend", () => {
  registerOnnxruntimeBackend({ threads: 1 });
  afterAll(() => unregisterBackend('onnxruntime'));

  it('is registered under its name and supports every IR op', async () => {
    expect(listBackends()).toContain('onnxruntime');
    const { OP_NAMES } = await import('@mobilenet-kit/core');
    expect(OP_NAMES.every((op) => getBackend('onnxruntime').supports(op))).toBe(true);
  });

  it('runs HostTensors and dataSync() tensors, any batch, outputs keyed by the graph output names, and says which backend ran', async () => {
    const { graph, weights } = smallGraph();
    const model = await compile(graph, weights, { backend: 'onnxruntime', warmup: true });
    expect(model.backend).toEqual({ name: 'onnxruntime', runtime: 'onnxruntime-node', threads: 1, executionProvider: 'cpu' });
    expect(model.inputs).toEqual([{ name: 'image', shape: [null, 6, 6, 3], dtype: 'float32' }]);
    expect(model.outputs.map((o) => o.name)).toEqual(['features', 'probabilities']);
    for (const batch of [1, 3]) {
      const x = input(batch);
      const expected = runReference(graph, weights, { image: x });
      const got = await model.run({ image: { shape: x.shape, dataSync: () => Array.from(x.data) } });
      expect(Object.keys(got).sort()).toEqual(['features', 'probabilities']);
      for (const name of ['features', 'probabilities']) {
        expect(got[name]!.shape).toEqual(expected[name]!.shape);
        got[name]!.data.forEach((v, i) => expect(Math.abs(v - expected[name]!.data[i]!)).toBeLessThan(1e-5));
      }
    }
    // A view into a larger buffer (byteOffset ≠ 0) is read from its own offset.
    const x = input(1);
    const big = new Float32Array(x.data.length + 7);
    big.set(x.data, 7);
    const viewed = await model.run({ image: { shape: x.shape, data: big.subarray(7) } });
    const direct = await model.run({ image: x });
    expect([...viewed.probabilities!.data]).toEqual([...direct.probabilities!.data]);
    model.dispose();
    await expect(model.run({ image: input(1) })).rejects.toThrow(/disposed/);
    model.dispose(); // twice is harmless
  });

  it('names the input and the shape it needs when run() gets the wrong thing', async () => {
    const { graph, weights } = smallGraph();
    const model = await compile(graph, weights, { backend: 'onnxruntime' });
    // The checks are core's (checkInputNames, readHostInput), the same for every backend.
    await expect(model.run({})).rejects.toThrow(/input "image" is missing \(the model's inputs: "image"\)/);
    await expect(model.run({ image: { shape: [1, 6, 5, 3], data: new Float32Array(90) } })).rejects.toThrow(/input "image" has shape \[1, 6, 5, 3\], expected \[\?, 6, 6, 3\] \(dimension 2 is 5, the model needs 6\)/);
    await expect(model.run({ image: { shape: [1, 6, 6, 3], data: new Float32Array(5) } })).rejects.toThrow(/input "image" has 5 values, its shape \[1, 6, 6, 3\] needs 108/);
    await expect(model.run({ image: input(1), extra: input(1) })).rejects.toThrow(/unknown input "extra" \(the model's inputs: "image"\)/);
    model.dispose();
  });

  it('takes threads and executionProviders per compile through backendOptions, and checks them', async () => {
    const { graph, weights } = smallGraph();
    const model = await compile(graph, weights, { backend: 'onnxruntime', backendOptions: { threads: 2 } });
    expect(model.backend.threads).toBe(2);
    model.dispose();
    await expect(compile(graph, weights, { backend: 'onnxruntime', backendOptions: { threads: 0 } })).rejects.toThrow(/threads must be a positive integer, got 0/);
    await expect(compile(graph, weights, { backend: 'onnxruntime', backendOptions: { executionProviders: ['nosuch'] } })).rejects.toThrow(/onnxruntime \(onnxruntime-node\) could not open the exported model of graph "small"/);
    await expect(compile(graph, weights, { backend: 'onnxruntime', backendOptions: { opset: 9 } })).rejects.toThrow(/opset must be an integer from 11 to 22/);
  });

  it('passes spinning to onnxruntime as session.intra_op.allow_spinning (factory or per compile), same outputs, and says so', async () => {
    const { graph, weights } = smallGraph();
    const created: unknown[] = [];
    // The real onnxruntime-node, with InferenceSession.create recording the options it gets.
    const recording = async () => {
      const ort = (await import('onnxruntime-node')) as unknown as { InferenceSession: { create(m: Uint8Array, o?: unknown): Promise<unknown> } };
      return { ...ort, InferenceSession: { create: (m: Uint8Array, o?: unknown) => (created.push(o), ort.InferenceSession.create(m, o)) } };
    };
    const backend = onnxruntimeBackend({ threads: 2, spinning: false, importer: recording });
    await backend.init?.();
    const quiet = await backend.compile(graph, weights, {});
    const spinningAgain = await backend.compile(graph, weights, { backendOptions: { spinning: true } });
    const plain = await compile(graph, weights, { backend: 'onnxruntime' });
    expect(quiet.backend.spinning).toBe(false);
    expect(spinningAgain.backend.spinning).toBe(true);
    expect(plain.backend.spinning).toBeUndefined();
    expect(created.map((o) => (o as { extra?: unknown }).extra)).toEqual([{ session: { intra_op: { allow_spinning: '0' } } }, { session: { intra_op: { allow_spinning: '1' } } }]);
    const x = input(2);
    const [a, b] = [await quiet.run({ image: x }), await plain.run({ image: x })];
    expect(a.probabilities!.data).toEqual(b.probabilities!.data);
    for (const m of [quiet, spinningAgain, plain]) m.dispose();
    await expect(compile(graph, weights, { backend: 'onnxruntime', backendOptions: { spinning: 'no' } })).rejects.toThrow(/compile backendOptions: spinning must be true or false, got "no"/);
  });

  it('rejects bad factory options up front', () => {
    expect(() => onnxruntimeBackend({ spinning: 0 as unknown as boolean })).toThrow(/onnxruntimeBackend: spinning must be true or false, got 0/);
    expect(() => onnxruntimeBackend({ threads: 1.5 })).toThrow(/threads must be a positive integer, got 1.5/);
    expect(() => onnxruntimeBackend({ executionProviders: [] })).toThrow(/executionProviders must be a non-empty list/);
  });
});

describe('when onnxruntime is not installed', () => {
  const notFound = (name: string) => () => Promise.reject(Object.assign(new Error(`Cannot find package '${name}' imported from /app/x.js`), { code: 'ERR_MODULE_NOT_FOUND' }));

  it('importRuntime names the package and how to install it', async () => {
    await expect(importRuntime('onnxruntime-node', notFound('onnxruntime-node'))).rejects.toThrow(
      /onnxruntime-node is not installed: the 'onnxruntime' backend needs it in Node\. Install it next to @mobilenet-kit\/backend-onnxruntime: npm install onnxruntime-node@\^1\.30\.0/,
    );
    await expect(importRuntime('onnxruntime-web', notFound('onnxruntime-web'))).rejects.toThrow(/onnxruntime-web is not installed: .* in browsers\. .*npm install onnxruntime-web/);
  });

  it('compile() reports it as a start failure of the backend, without falling back', async () => {
    registerOnnxruntimeBackend({ importer: notFound('onnxruntime-node') });
    const { graph, weights } = smallGraph();
    await expect(compile(graph, weights, { backend: 'onnxruntime' })).rejects.toThrow(/backend "onnxruntime" failed to start: onnxruntime-node is not installed/);
  });

  it('keeps the cause of other load failures', async () => {
    await expect(importRuntime('onnxruntime-node', () => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file')))).rejects.toThrow(
      /onnxruntime-node failed to load: libonnxruntime\.so\.1/,
    );
    await expect(importRuntime('onnxruntime-node', () => Promise.resolve({ something: 1 }))).rejects.toThrow(/has no InferenceSession\.create/);
  });
});
