import { GraphBuilder, registerBackend, unregisterBackend } from '@mobilenet-kit/core';
import { createPrng, randomWeights } from '@mobilenet-kit/core/conformance';
import { expect, it } from 'vitest';
import { onnxruntimeBackend } from '../src/index';

function tinyGraph() {
  const b = new GraphBuilder('tiny');
  b.output(b.add('fc', 'dense', [b.input('x', [null, 4])], { units: 2, useBias: true }));
  const graph = b.build();
  return { graph, weights: randomWeights(graph, createPrng(1)) };
}

it("with the 'wasm' backend registered beside it (a thread pool of its own on the same cores), sessions do not spin unless asked to", async () => {
  const { graph, weights } = tinyGraph();
  const backend = onnxruntimeBackend({ threads: 2 });
  const alone = await backend.compile(graph, weights);
  expect(alone.backend.spinning).toBeUndefined();
  // Any backend registered as 'wasm' counts: the onnxruntime plugin imports no other backend.
  registerBackend({ name: 'wasm', supports: () => true, compile: () => Promise.reject(new Error('not used')) });
  try {
    const beside = await backend.compile(graph, weights);
    expect(beside.backend.spinning).toBe(false);
    const asked = await backend.compile(graph, weights, { backendOptions: { spinning: true } });
    expect(asked.backend.spinning).toBe(true);
    for (const m of [beside, asked]) m.dispose();
  } finally {
    unregisterBackend('wasm');
    alone.dispose();
  }
});
