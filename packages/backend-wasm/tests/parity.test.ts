import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import { maxAbsDiff } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../src/index';
import { mobileNetWithLogits, randomImage } from './helpers/models';

const backend = wasmBackend();

/** Logits and softmax of the tfjs-layers model with the same weights, on tfjs's wasm backend. */
async function layersOutputs(graph: Parameters<typeof toLayersModel>[0], weights: Parameters<typeof toLayersModel>[1], input: { shape: readonly number[]; data: Float32Array }) {
  const { model } = toLayersModel(graph, weights, tf, tfl);
  const x = tf.tensor(input.data, [...input.shape]);
  const [predictions, logits] = model.predict(x) as tf.Tensor[];
  const out = { predictions: (await predictions!.data()) as Float32Array, logits: (await logits!.data()) as Float32Array };
  tf.dispose([x, predictions!, logits!]);
  model.dispose();
  return out;
}

describe.each([
  [0.25, 128, 2],
  [1.0, 224, 1],
])('wasm: MobileNet %s-%s against a tfjs-layers model with the same weights', (alpha, resolution, batch) => {
  const { graph, weights } = mobileNetWithLogits(alpha, resolution);
  const input = randomImage(batch, resolution);
  let expected: Awaited<ReturnType<typeof layersOutputs>>;

  beforeAll(async () => {
    await backend.init!();
    expect(tf.getBackend()).toBe('wasm');
    expected = await layersOutputs(graph, weights, input);
    // BN statistics are random: logits are far from zero, so 1e-4 is a real bound.
    expect(Math.max(...Array.from(expected.logits, Math.abs))).toBeGreaterThan(0.1);
  });

  it.each([false, true])('logits agree within 1e-4 (optimize: %s)', async (optimize) => {
    const model = await backend.compile(graph, weights, { optimize });
    const out = await model.run({ input });
    model.dispose();
    expect(out.logits!.shape).toEqual([batch, 10]);
    expect(maxAbsDiff(out.logits!.data, expected.logits)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.predictions!.data, expected.predictions)).toBeLessThanOrEqual(1e-5);
  });
});
