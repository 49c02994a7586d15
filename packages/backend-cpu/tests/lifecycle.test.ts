import { GraphBuilder, type Weights } from '@mobilenet-kit/core';
import { createPrng } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/index';
import { mobileNetWithLogits, randomImage } from './helpers/models';

/** A small graph with every kind of parameterized op plus a residual add. */
function smallGraph() {
  const b = new GraphBuilder('small');
  const x = b.input('image', [null, 8, 8, 3]);
  const c = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
  const bn = b.add('conv_bn', 'batchNorm', [c], { epsilon: 1e-3 });
  const r = b.add('conv_relu', 'activation', [bn], { fn: 'relu6' });
  const dw = b.add('dw', 'depthwiseConv2d', [r], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1, useBias: true, activation: 'relu' });
  const sum = b.add('sum', 'add', [r, dw], {});
  const pool = b.add('pool', 'globalAvgPool', [sum], {});
  const fc = b.add('fc', 'dense', [pool], { units: 3, useBias: true });
  b.output(b.add('probs', 'activation', [fc], { fn: 'softmax' }));
  const graph = b.build();
  const rnd = createPrng(5).next;
  const weights: Weights = new Map(
    [
      ['conv/kernel', [3, 3, 3, 4]],
      ['conv_bn/gamma', [4]],
      ['conv_bn/beta', [4]],
      ['conv_bn/moving_mean', [4]],
      ['conv_bn/moving_variance', [4]],
      ['dw/depthwise_kernel', [3, 3, 4, 1]],
      ['dw/bias', [4]],
      ['fc/kernel', [4, 3]],
      ['fc/bias', [3]],
    ].map(([name, shape]) => {
      const s = shape as number[];
      return [name as string, { shape: s, data: Float32Array.from({ length: s.reduce((a, v) => a * v, 1) }, () => rnd() + 0.05) }];
    }),
  );
  return { graph, weights };
}

describe('cpu: model lifecycle', () => {
  const backend = cpuBackend();

  it('frees every tensor it made: compile, 200 runs (host and tensor inputs), dispose', async () => {
    await backend.init!();
    const { graph, weights } = smallGraph();
    const input = randomImage(2, 8);
    const x = tf.tensor(input.data, [...input.shape]);
    const before = tf.memory();
    const model = await backend.compile(graph, weights, { warmup: true });
    expect(tf.memory().numTensors).toBeGreaterThan(before.numTensors);
    for (let i = 0; i < 200; i++) {
      const out = await model.run({ image: i % 2 === 0 ? input : x });
      expect(out.probs!.shape).toEqual([2, 3]);
    }
    model.dispose();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('reports what ran and its input and output specs', async () => {
    const { graph, weights } = mobileNetWithLogits(0.25, 128);
    const model = await backend.compile(graph, weights);
    expect(model.backend).toEqual({ name: 'cpu', tfjsBackend: 'cpu' });
    expect(model.inputs).toEqual([{ name: 'input', shape: [null, 128, 128, 3], dtype: 'float32' }]);
    expect(model.outputs).toEqual([
      { name: 'predictions', shape: [null, 10], dtype: 'float32' },
      { name: 'logits', shape: [null, 10], dtype: 'float32' },
    ]);
    model.dispose();
  });

  it('rejects bad inputs with the input name, the expected and the actual shape', async () => {
    const { graph, weights } = smallGraph();
    const model = await backend.compile(graph, weights);
    const ok = randomImage(1, 8);
    const tensorsBefore = tf.memory().numTensors;
    await expect(model.run({})).rejects.toThrow('input "image" is missing');
    await expect(model.run({ image: ok, extra: ok })).rejects.toThrow('unknown input "extra" (the model\'s inputs: "image")');
    await expect(model.run({ image: { shape: [1, 8, 8], data: new Float32Array(192) } })).rejects.toThrow(
      'input "image" has shape [1, 8, 8], expected [?, 8, 8, 3] (rank 3 instead of 4)',
    );
    await expect(model.run({ image: { shape: [1, 8, 8, 4], data: new Float32Array(256) } })).rejects.toThrow('dimension 3 is 4, the model needs 3');
    await expect(model.run({ image: { shape: [1, 8, 8, 3], data: new Float32Array(10) } })).rejects.toThrow('input "image" has 10 values, its shape [1, 8, 8, 3] needs 192');
    // A failed run frees what it made before failing.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
    await expect(model.run({ image: ok })).rejects.toThrow('model "small" was disposed');
  });

  it('rejects missing and misshapen weights by name', async () => {
    const { graph, weights } = smallGraph();
    const missing = new Map(weights);
    missing.delete('fc/kernel');
    const before = tf.memory().numTensors;
    await expect(backend.compile(graph, missing)).rejects.toThrow('node "fc" (dense): weight "fc/kernel" is missing');
    const wrong = new Map(weights);
    wrong.set('dw/depthwise_kernel', { shape: [3, 3, 4, 2], data: new Float32Array(72) });
    await expect(backend.compile(graph, wrong, { optimize: false })).rejects.toThrow(
      'node "dw" (depthwiseConv2d): weight "dw/depthwise_kernel" has the wrong shape (expected [3, 3, 4, 1], got [3, 3, 4, 2])',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('switches tfjs back to its own backend when another is active', async () => {
    const { graph, weights } = smallGraph();
    const model = await backend.compile(graph, weights);
    const reference = await model.run({ image: randomImage(1, 8) });
    // Make another tfjs backend active (a throwaway one registered for the test).
    tf.registerBackend('other-cpu', () => new (tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend)());
    expect(await tf.setBackend('other-cpu')).toBe(true);
    const out = await model.run({ image: randomImage(1, 8) });
    expect(tf.getBackend()).toBe('cpu');
    expect(out.probs!.data).toEqual(reference.probs!.data);
    model.dispose();
    tf.removeBackend('other-cpu');
  });
});
