import type { Graph, HostTensor, Weights } from '@mobilenet-kit/core';
import { createPrng, randomInputs, randomWeights } from '@mobilenet-kit/core/conformance';
import { runReference } from '@mobilenet-kit/core/reference';
import * as ort from 'onnxruntime-node';

export interface Fixture {
  graph: Graph;
  weights: Weights;
  inputs: Record<string, HostTensor>;
}

/** Seeded random weights and inputs (batch 2) for a graph. */
export function fixture(graph: Graph, seed = 1, batch = 2): Fixture {
  const prng = createPrng(seed);
  return { graph, weights: randomWeights(graph, prng), inputs: randomInputs(graph, prng, batch) };
}

/** Runs an ONNX model with a bare onnxruntime-node session (one thread). */
export async function runOnnx(bytes: Uint8Array, inputs: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor('float32', t.data, [...t.shape]);
    const out = await session.run(feeds);
    const result: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { shape: [...t.dims], data: t.data as Float32Array };
    return result;
  } finally {
    await session.release();
  }
}

/** The largest `|a − e| / (1 + |e|)` over every output, and the outputs' shapes must agree. */
export function worstDifference(actual: Record<string, HostTensor>, expected: Record<string, HostTensor>): number {
  let worst = 0;
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    if (!a) throw new Error(`output "${name}" is missing (got ${Object.keys(actual).join(', ')})`);
    if (a.shape.join(',') !== e.shape.join(',')) throw new Error(`output "${name}": shape [${a.shape}] instead of [${e.shape}]`);
    for (let i = 0; i < e.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - e.data[i]!) / (1 + Math.abs(e.data[i]!)));
  }
  return worst;
}

export function reference(f: Fixture): Record<string, HostTensor> {
  return runReference(f.graph, f.weights, f.inputs);
}
