import { GraphBuilder, OP_NAMES } from '@mobilenet-kit/core';
import { maxAbsDiff } from '@mobilenet-kit/core/conformance';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { toLayersModel } from '../src/index';
import { randomInput, randomWeights, testBackend, tf } from './helpers/setup';

/** One graph that uses every op of the IR. */
function everyOpGraph() {
  const b = new GraphBuilder('every_op');
  const x = b.input('image', [null, 9, 9, 3]);
  const conv = b.add('stem/conv', 'conv2d', [x], { filters: 6, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true });
  const bn = b.add('stem/bn', 'batchNorm', [conv], { epsilon: 1e-3 });
  const relu = b.add('stem/relu6', 'activation', [bn], { fn: 'relu6' });
  const dw = b.add('dw', 'depthwiseConv2d', [relu], { kernelSize: [3, 3], strides: [1, 1], padding: 'valid', depthMultiplier: 2, useBias: true, activation: 'relu' });
  const pw = b.add('pw', 'conv2d', [dw], { filters: 6, kernelSize: [1, 1], strides: [1, 1], padding: 'same', activation: 'sigmoid' });
  const avg = b.add('avg', 'avgPool', [pw], { poolSize: [2, 2], strides: [2, 2], padding: 'same' });
  const max = b.add('max', 'maxPool', [pw], { poolSize: [3, 3], strides: [2, 2], padding: 'same' });
  const sum = b.add('sum', 'add', [avg, max, avg], {});
  const cat = b.add('cat', 'concat', [sum, max], { axis: -1 });
  const gap = b.add('gap', 'globalAvgPool', [cat], { keepDims: true });
  const gmp = b.add('gmp', 'globalMaxPool', [cat], {});
  const flat = b.add('flat', 'flatten', [gap], {});
  const drop = b.add('drop', 'dropout', [flat], { rate: 0.3 });
  const fc = b.add('fc', 'dense', [drop], { units: 4, useBias: true, activation: 'relu' });
  const re = b.add('re', 'reshape', [fc], { shape: [2, -1] });
  const fc2 = b.add('fc2', 'dense', [re], { units: 3 });
  const sm = b.add('probs', 'activation', [b.add('fc2_flat', 'flatten', [fc2], {})], { fn: 'softmax' });
  const emb = b.add('embedding', 'l2Normalize', [gmp], { axis: -1, epsilon: 1e-12 });
  const lin = b.add('lin', 'activation', [emb], { fn: 'linear' });
  const sig = b.add('sig', 'activation', [lin], { fn: 'sigmoid' });
  b.output(sm).output(emb).output(sig, 'sigmoid_out').output(b.add('r', 'activation', [fc2], { fn: 'relu' }));
  return b.build();
}

describe('toLayersModel: an independent tfjs-layers implementation of the IR', () => {
  it('covers every op and agrees with the lowering (optimize off and on)', async () => {
    const graph = everyOpGraph();
    expect(new Set(graph.nodes.map((n) => n.op))).toEqual(new Set(OP_NAMES));
    const weights = randomWeights(graph, 4);
    const input = randomInput([2, 9, 9, 3]);
    const { model } = toLayersModel(graph, weights, tf, tfl);
    const x = tf.tensor(input.data, [...input.shape]);
    const predicted = model.predict(x) as tf.Tensor[];
    const expected = await Promise.all(predicted.map((t) => t.data()));
    tf.dispose([x, ...predicted]);
    model.dispose();
    for (const optimize of [false, true]) {
      const compiled = await testBackend.compile(graph, weights, { optimize });
      const out = await compiled.run({ image: input });
      compiled.dispose();
      graph.outputs.forEach((o, i) => {
        expect(out[o.name]!.shape).toEqual(predicted[i]!.shape);
        expect(maxAbsDiff(out[o.name]!.data, expected[i]!)).toBeLessThanOrEqual(1e-5);
      });
    }
  });

  it('sanitizes names that tfjs-layers rejects and reports the mapping', () => {
    const b = new GraphBuilder('g');
    b.output(b.add('_head:relu', 'activation', [b.input('in put', [null, 2])], { fn: 'relu' }));
    const { model, layerNames } = toLayersModel(b.build(), new Map(), tf, tfl);
    expect(layerNames.get('in put')).toBe('in_put');
    expect(layerNames.get('_head:relu')).toBe('n_head_relu');
    model.dispose();
  });

  it('names a missing weight', () => {
    const b = new GraphBuilder('g');
    b.output(b.add('fc', 'dense', [b.input('x', [null, 2])], { units: 1 }));
    expect(() => toLayersModel(b.build(), new Map(), tf, tfl)).toThrow('node "fc" (dense): weight "fc/kernel" is missing');
  });
});

describe('compile on a tfjs backend', () => {
  it('optimize true and false, fused and unfused give the same numbers; nothing leaks', async () => {
    const graph = everyOpGraph();
    const weights = randomWeights(graph, 9);
    const input = randomInput([3, 9, 9, 3], 2);
    const before = tf.memory();
    const results = [];
    for (const optimize of [false, true]) {
      for (const fused of [false, true]) {
        const model = await testBackend.compile(graph, weights, { optimize, backendOptions: { fused }, warmup: true });
        results.push(await model.run({ image: input }));
        model.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    for (const r of results.slice(1)) for (const o of graph.outputs) expect(maxAbsDiff(r[o.name]!.data, results[0]![o.name]!.data)).toBeLessThanOrEqual(1e-5);
  });

  it('supports every IR op and rejects a bad backendOptions.fused', async () => {
    for (const op of OP_NAMES) expect(testBackend.supports(op)).toBe(true);
    await expect(testBackend.compile(everyOpGraph(), new Map(), { backendOptions: { fused: 'yes' } })).rejects.toThrow('backendOptions.fused must be a boolean, got "yes"');
  });

  it('accepts a tf.Tensor input, casting int32 to float32, and leaves it to the caller', async () => {
    const b = new GraphBuilder('cast');
    b.output(b.add('r', 'activation', [b.input('x', [null, 3])], { fn: 'relu' }));
    const model = await testBackend.compile(b.build(), new Map());
    const x = tf.tensor2d([[-2, 0, 5]], [1, 3], 'int32');
    const out = await model.run({ x });
    expect(out.r).toEqual({ shape: [1, 3], data: Float32Array.from([0, 0, 5]) });
    expect(x.isDisposed).toBe(false);
    x.dispose();
    await expect(model.run({ x })).rejects.toThrow('input "x" is a disposed tensor');
    model.dispose();
  });
});
