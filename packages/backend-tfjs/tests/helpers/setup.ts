import { type Graph, type HostTensor, type Weights, type WeightTensor, paramSpecs } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createTfjsBackend } from '../../src/index';

export { tf };

/** A backend on tfjs-backend-cpu, built with the same factory the cpu package uses. */
export const testBackend = createTfjsBackend({ name: 'tfjs-test', tf, tfBackendName: 'cpu' });

export function host(shape: number[], values: number[] | Float32Array): HostTensor {
  return { shape, data: Float32Array.from(values) };
}

export function weight(shape: number[], values: number[] | Float32Array): WeightTensor {
  return { shape, data: Float32Array.from(values) };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random weights for every parameter of the graph: kernels and biases in
 * [-0.5, 0.5), BN gamma in [0.5, 1.5), beta and mean in [-0.5, 0.5), variance
 * in [0.1, 1.1) (non-trivial, so that BN folding changes the numbers).
 */
export function randomWeights(graph: Graph, seed = 1): Weights {
  const rnd = random(seed);
  const out = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(graph)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const p = spec.name.slice(spec.name.lastIndexOf('/') + 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      data[i] = p === 'gamma' ? 0.5 + r : p === 'moving_variance' ? 0.1 + r : r - 0.5;
    }
    out.set(spec.name, { shape: [...spec.shape], data });
  }
  return out;
}

export function randomInput(shape: number[], seed = 7): HostTensor {
  const rnd = random(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rnd() * 2 - 1;
  return { shape, data };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
