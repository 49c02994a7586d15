import { type Graph, type HostTensor, type Weights, type WeightTensor, paramSpecs } from '@mobilenet-kit/core';
import { createPrng, randomTensor, uniformParamValue } from '@mobilenet-kit/core/conformance';
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

/**
 * Random weights for every parameter of the graph: kernels and biases in
 * [-0.5, 0.5), BN gamma in [0.5, 1.5), beta and mean in [-0.5, 0.5), variance
 * in [0.1, 1.1) (non-trivial, so that BN folding changes the numbers).
 */
export function randomWeights(graph: Graph, seed = 1): Weights {
  const prng = createPrng(seed);
  const out = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(graph)) {
    const param = spec.name.slice(spec.name.lastIndexOf('/') + 1);
    const data = Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, () => uniformParamValue(param, prng.next()));
    out.set(spec.name, { shape: [...spec.shape], data });
  }
  return out;
}

export function randomInput(shape: number[], seed = 7): HostTensor {
  return randomTensor(shape, createPrng(seed));
}
