import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { maxAbsDiff } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { MAX_WASM_THREADS, WASM_THREADS_ENV, wasmBackend } from '../src/index';
import { mobileNetWithLogits, randomImage } from './helpers/models';

// Logits of MobileNet 0.25-128 on the wasm backend of a fresh process started with MOBILENET_KIT_WASM_THREADS=1
// (tfjs starts its wasm module once per process, so one thread needs its own process).
function oneThreadLogits(): { backend: unknown; logits: number[] } {
  const script = `
    import { wasmBackend } from '@mobilenet-kit/backend-wasm';
    import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
    import { createPrng, randomTensor, withRandomBatchNorm } from '@mobilenet-kit/core/conformance';
    // tests/helpers/models.ts: mobileNetWithLogits(0.25, 128) and randomImage(2, 128)
    const base = mobilenetV1({ alpha: 0.25, resolution: 128, classes: 10 });
    const graph = { ...base, outputs: [...base.outputs, { name: 'logits', node: 'logits' }] };
    const weights = withRandomBatchNorm(initializeWeights(graph, { seed: 3 }), createPrng(4));
    const model = await wasmBackend().compile(graph, weights);
    const out = await model.run({ input: randomTensor([2, 128, 128, 3], createPrng(11)) });
    process.stdout.write(JSON.stringify({ backend: model.backend, logits: Array.from(out.logits.data) }));
    model.dispose();
  `;
  const env = { ...process.env, [WASM_THREADS_ENV]: '1' };
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url),
    encoding: 'utf8',
    env,
  });
  return JSON.parse(stdout);
}

// Its own file (process): this one starts with the default, threads 'auto'.
it("by default the wasm backend runs on every core (at most 8), reports it, and computes what one thread computes", async () => {
  delete process.env[WASM_THREADS_ENV];
  const cores = Math.min(MAX_WASM_THREADS, availableParallelism());
  const { graph, weights } = mobileNetWithLogits(0.25, 128);
  const model = await wasmBackend().compile(graph, weights);
  const before = tf.memory().numTensors;
  expect(model.backend).toEqual({ name: 'wasm', tfjsBackend: 'wasm', simd: true, threads: cores });
  const out = await model.run({ input: randomImage(2, 128) });
  const single = oneThreadLogits();
  expect(single.backend).toEqual({ name: 'wasm', tfjsBackend: 'wasm', simd: true, threads: 1 });
  expect(maxAbsDiff(out.logits!.data, Float32Array.from(single.logits))).toBeLessThanOrEqual(1e-4);
  // A second model in the process runs on the same pool; asking it for another count names the one running.
  const again = await wasmBackend({ threads: 'auto' }).compile(graph, weights);
  await again.run({ input: randomImage(1, 128) });
  expect(again.backend.threads).toBe(cores);
  if (cores !== 1) await expect(wasmBackend({ threads: 1 }).init!()).rejects.toThrow(`tfjs's wasm backend already runs with ${cores} thread(s); threads: 1 must be set before it starts`);
  again.dispose();
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});

it(`${WASM_THREADS_ENV} must name 1 to 8 threads, and a bad value is an error naming it`, () => {
  const script = `
    import { wasmBackend } from '@mobilenet-kit/backend-wasm';
    wasmBackend().init().then(() => process.stdout.write('started'), (e) => process.stdout.write(e.message));
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url),
    encoding: 'utf8',
    env: { ...process.env, [WASM_THREADS_ENV]: 'many' },
  });
  expect(stdout).toBe(`${WASM_THREADS_ENV}: must be an integer from 1 to 8 (tfjs's limit) or 'auto', got "many"`);
});
