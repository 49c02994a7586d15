import { createTfjsBackend } from '@mobilenet-kit/backend-tfjs';
import { conformanceCases, maxAbsDiff } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { registerWasmBackend, wasmBackend } from '../src/index';
import { mobileNetWithLogits, randomImage } from './helpers/models';

// Its own file (process): tfjs starts its wasm module once per process, here the threaded build.
it('threads: 2 in Node starts tfjs\'s threaded build, reports 2 threads and computes what tfjs cpu computes', async () => {
  const { graph, weights } = mobileNetWithLogits(0.25, 128);
  const input = randomImage(2, 128);
  const wasm = await wasmBackend({ threads: 2 }).compile(graph, weights);
  expect(wasm.backend).toEqual({ name: 'wasm', tfjsBackend: 'wasm', simd: true, threads: 2 });
  expect(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(true);
  const cpu = await createTfjsBackend({ name: 'cpu-peer', tf, tfBackendName: 'cpu' }).compile(graph, weights);
  const [a, b] = [await wasm.run({ input }), await cpu.run({ input })];
  expect(maxAbsDiff(a.logits!.data, b.logits!.data)).toBeLessThanOrEqual(1e-4);
  wasm.dispose();
  cpu.dispose();
  // The workaround put the globals it touched back.
  expect(URL.createObjectURL.name).toBe('createObjectURL');
  expect(globalThis.Blob.name).toBe('Blob');
});

describe('wasm with 2 threads in Node: core conformance suite (quick)', () => {
  registerWasmBackend({ threads: 2 });
  for (const c of conformanceCases({ backend: 'wasm', quick: true })) it(`${c.group}: ${c.name}`, c.run);
});
