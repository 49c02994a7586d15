import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import { maxAbsDiff } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/index';
import { mobileNetWithLogits, randomImage } from './helpers/models';

/**
 * Our lowering against an independent implementation of the same model:
 * tfjs-layers (Keras-style layers) holding the same weights, on the same
 * tfjs backend. MobileNet 0.25-128 keeps the cpu run short.
 */
describe('cpu: MobileNet 0.25-128 against a tfjs-layers model with the same weights', () => {
  const { graph, weights } = mobileNetWithLogits(0.25, 128);
  const input = randomImage(2, 128);
  const backend = cpuBackend();
  let expected: { logits: Float32Array; predictions: Float32Array };

  beforeAll(async () => {
    await backend.init!();
    const { model } = toLayersModel(graph, weights, tf, tfl);
    const x = tf.tensor(input.data, [...input.shape]);
    const [predictions, logits] = model.predict(x) as tf.Tensor[];
    expected = { predictions: (await predictions!.data()) as Float32Array, logits: (await logits!.data()) as Float32Array };
    tf.dispose([x, predictions!, logits!]);
    model.dispose();
  });

  afterAll(() => {
    expect(tf.getBackend()).toBe('cpu');
  });

  it.each([false, true])('logits agree within 1e-4 (optimize: %s)', async (optimize) => {
    const model = await backend.compile(graph, weights, { optimize });
    const out = await model.run({ input: input });
    model.dispose();
    expect(out.logits!.shape).toEqual([2, 10]);
    // The logits are not tiny (BN statistics are random), so 1e-4 is a real bound.
    expect(Math.max(...Array.from(expected.logits, Math.abs))).toBeGreaterThan(0.1);
    expect(maxAbsDiff(out.logits!.data, expected.logits)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.predictions!.data, expected.predictions)).toBeLessThanOrEqual(1e-5);
  });

  it('fused and unfused lowerings agree', async () => {
    const fused = await backend.compile(graph, weights, { backendOptions: { fused: true } });
    const unfused = await backend.compile(graph, weights, { backendOptions: { fused: false } });
    const a = await fused.run({ input });
    const b = await unfused.run({ input });
    fused.dispose();
    unfused.dispose();
    expect(maxAbsDiff(a.logits!.data, b.logits!.data)).toBeLessThanOrEqual(1e-4);
  });
});
