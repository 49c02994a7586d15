#!/usr/bin/env node
// MobileNet v1 1.0-224 batch 1 (random weights, seed 1): our wasm backend (A) against onnxruntime-web's wasm
// build (B) on our ONNX export of the same graph and weights, both at 1 thread (onnxruntime-web's threads
// need the workers it sets up in browsers: one thread in Node), alternated in one process after a warm-up
// (the bench's alternateAB). Both upload the input and read the output back.
// Usage (after `pnpm bench` has built tooling/bench): node tooling/bench/scripts/mobilenet-wasm-vs-ort-web.mjs [runs] [warmup]
import os from 'node:os';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { importRuntime } from '@mobilenet-kit/backend-onnxruntime';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { compile } from '@mobilenet-kit/core';
import { toOnnx } from '@mobilenet-kit/onnx';
import { alternateAB } from '../dist/index.js';

const runs = Number(process.argv[2] ?? 20);
const warmup = Number(process.argv[3] ?? 2);
const graph = mobilenetV1({ alpha: 1, resolution: 224 });
const weights = initializeWeights(graph, { seed: 1 });
registerWasmBackend({ threads: 1 });
const model = await compile(graph, weights, { backend: 'wasm' });
const web = await importRuntime('onnxruntime-web');
if (web.env.wasm) web.env.wasm.numThreads = 1;
const session = await web.InferenceSession.create(toOnnx(graph, weights), { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
const shape = [1, 224, 224, 3];
const data = new Float32Array(224 * 224 * 3);
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 0.9;
const inputName = model.inputs[0].name;
const webInput = session.inputNames[0];
const ours = async () => {
  await model.run({ [inputName]: { shape, data } });
};
const peer = async () => {
  const out = await session.run({ [webInput]: new web.Tensor('float32', data, shape) });
  for (const t of Object.values(out)) void t.data;
};
const load = os.loadavg()[0];
const { a, b } = await alternateAB(ours, peer, { warmup, runs });
console.log(`MobileNet 1.0-224 b1, 1 thread, ${runs} runs each after ${warmup} warm-up, alternated; load ${load.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores (${os.cpus()[0]?.model})`);
console.log(`ours (wasm, ${JSON.stringify(model.backend)}): median ${a.median.toFixed(1)} ms (min ${a.min.toFixed(1)}, p90 ${a.p90.toFixed(1)})`);
console.log(`onnxruntime-web wasm: median ${b.median.toFixed(1)} ms (min ${b.min.toFixed(1)}, p90 ${b.p90.toFixed(1)})`);
console.log(`B/A ${(b.median / a.median).toFixed(2)}× (above 1: ours is faster)`);
model.dispose();
await session.release();
