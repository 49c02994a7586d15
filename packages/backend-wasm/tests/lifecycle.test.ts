import { compile, GraphBuilder, registerBackend, unregisterBackend } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '../src/index';
import { autoThreads, mobileNetWithLogits, randomImage } from './helpers/models';

describe('wasm: starting', () => {
  it('a wasmPaths folder without the binaries fails to start with the reason, and nothing falls back', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-wasm-'));
    // One thread: the single-thread binary is the one looked for (threads: 'auto' looks for the threaded one).
    registerBackend({ ...wasmBackend({ wasmPaths: `${empty}/`, threads: 1 }), name: 'wasm-broken' });
    const b = new GraphBuilder('g');
    b.output(b.input('x', [null, 1]));
    const failure = compile(b.build(), new Map(), { backend: 'wasm-broken' });
    await expect(failure).rejects.toThrow(`backend "wasm-broken" failed to start: the wasm binary "tfjs-backend-wasm-simd.wasm" is not at ${empty}/tfjs-backend-wasm-simd.wasm`);
    unregisterBackend('wasm-broken');
  });

  it('a thread count outside 1…8 fails to start, naming the value', async () => {
    await expect(wasmBackend({ threads: 0 }).init!()).rejects.toThrow("threads must be an integer from 1 to 8 (tfjs's limit) or 'auto', got 0");
    await expect(wasmBackend({ threads: 9 }).init!()).rejects.toThrow('got 9');
  });

  it('after those failures, the default paths (node_modules) start it; BackendInfo tells SIMD and threads as tfjs does', async () => {
    const backend = wasmBackend();
    const { graph, weights } = mobileNetWithLogits(0.25, 128);
    const model = await backend.compile(graph, weights, { warmup: true });
    expect(model.backend).toEqual({
      name: 'wasm',
      tfjsBackend: 'wasm',
      simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      // threads 'auto': every core, at most tfjs's 8 (or MOBILENET_KIT_WASM_THREADS).
      threads: autoThreads(),
    });
    const out = await model.run({ input: randomImage(1, 128) });
    expect(out.predictions!.shape).toEqual([1, 10]);
    model.dispose();
  });
});

describe('wasm: model lifecycle', () => {
  const backend = wasmBackend();

  it('frees every tensor it made: compile, 200 runs, dispose', async () => {
    await backend.init!();
    const b = new GraphBuilder('small');
    const x = b.input('image', [null, 8, 8, 3]);
    const c = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true });
    const bn = b.add('bn', 'batchNorm', [c], { epsilon: 1e-3 });
    const r = b.add('relu', 'activation', [bn], { fn: 'relu6' });
    const dw = b.add('dw', 'depthwiseConv2d', [r], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 2 });
    const fc = b.add('fc', 'dense', [b.add('pool', 'globalAvgPool', [dw], {})], { units: 3, useBias: true, activation: 'sigmoid' });
    b.output(fc);
    const graph = b.build();
    const { initializeWeights } = await import('@mobilenet-kit/backbone');
    const weights = initializeWeights(graph, { seed: 1 });
    const input = randomImage(2, 8);
    const tensorInput = tf.tensor(input.data, [...input.shape]);
    const before = tf.memory();
    const model = await backend.compile(graph, weights);
    for (let i = 0; i < 200; i++) await model.run({ image: i % 2 === 0 ? input : tensorInput });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tensorInput.dispose();
  });

  it('rejects a bad input name and shape', async () => {
    const { graph, weights } = mobileNetWithLogits(0.25, 128);
    const model = await backend.compile(graph, weights);
    await expect(model.run({ image: randomImage(1, 128) })).rejects.toThrow('unknown input "image" (the model\'s inputs: "input")');
    await expect(model.run({ input: randomImage(1, 96) })).rejects.toThrow('input "input" has shape [1, 96, 96, 3], expected [?, 128, 128, 3] (dimension 1 is 96, the model needs 128)');
    model.dispose();
  });
});
