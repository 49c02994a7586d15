import { createTfjsBackend } from '@mobilenet-kit/backend-tfjs';
import { maxAbsDiff } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { wasmBackend } from '../src/index';
import { mobileNetWithLogits, randomImage } from './helpers/models';

// tfjs has one global backend: models on 'wasm' and on 'cpu' that run at the same time must each run on their own.
it('models on wasm and on tfjs cpu, run interleaved, give the results they give alone', async () => {
  const { graph, weights } = mobileNetWithLogits(0.25, 128);
  const wasm = await wasmBackend().compile(graph, weights);
  const cpu = await createTfjsBackend({ name: 'cpu-peer', tf, tfBackendName: 'cpu' }).compile(graph, weights);
  const inputs = [1, 2, 3].map((seed) => randomImage(1, 128, seed));
  const alone = { wasm: [] as Float32Array[], cpu: [] as Float32Array[] };
  for (const input of inputs) {
    alone.wasm.push((await wasm.run({ input })).logits!.data);
    alone.cpu.push((await cpu.run({ input })).logits!.data);
  }
  const before = tf.memory().numTensors;
  const together = await Promise.all(inputs.flatMap((input) => [wasm.run({ input }), cpu.run({ input })]));
  inputs.forEach((_, i) => {
    expect(together[2 * i]!.logits!.data).toEqual(alone.wasm[i]);
    expect(together[2 * i + 1]!.logits!.data).toEqual(alone.cpu[i]);
    // Both backends compute the same model.
    expect(maxAbsDiff(alone.wasm[i]!, alone.cpu[i]!)).toBeLessThanOrEqual(1e-4);
  });
  expect(tf.memory().numTensors).toBe(before);
  wasm.dispose();
  cpu.dispose();
});
