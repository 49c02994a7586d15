import type { HostTensor } from '../backend';
import { analyzeGraph, paramSpecs } from '../graph';
import type { Graph, ParamSpec, WeightTensor } from '../types';
import type { Prng } from './prng';

/**
 * Random weights for every parameter of a graph. Kernels are He-scaled
 * normals (std √(2 / fan-in)) so that activations keep their size through
 * deep stacks such as a whole MobileNet; biases and BN shifts are small;
 * BN scales and variances lie in [0.5, 1.5] (variances must be positive).
 */
export function randomWeights(graph: Graph, prng: Prng): Map<string, WeightTensor> {
  const weights = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(graph, analyzeGraph(graph))) weights.set(spec.name, randomParam(spec, prng));
  return weights;
}

function randomParam(spec: ParamSpec, prng: Prng): WeightTensor {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  const param = spec.name.slice(spec.name.lastIndexOf('/') + 1);
  if (spec.role === 'kernel') {
    // Depthwise kernels [kh, kw, in, m] sum kh·kw products per output; others sum all but the last axis.
    const fanIn = param === 'depthwise_kernel' ? spec.shape[0]! * spec.shape[1]! : size / spec.shape[spec.shape.length - 1]!;
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < size; i++) data[i] = prng.normal() * std;
  } else if (param === 'gamma' || param === 'moving_variance') {
    for (let i = 0; i < size; i++) data[i] = prng.uniform(0.5, 1.5);
  } else {
    for (let i = 0; i < size; i++) data[i] = prng.normal() * 0.1;
  }
  return { shape: [...spec.shape], data };
}

/** A host tensor of uniform values in [lo, hi). */
export function randomTensor(shape: readonly number[], prng: Prng, lo = -1, hi = 1): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = prng.uniform(lo, hi);
  return { shape: [...shape], data };
}

/** One random value per graph input, with the batch dimension set to `batch`. */
export function randomInputs(graph: Graph, prng: Prng, batch: number, range: [number, number] = [-1, 1]): Record<string, HostTensor> {
  const inputs: Record<string, HostTensor> = {};
  for (const node of graph.nodes) {
    if (node.op !== 'input') continue;
    inputs[node.name] = randomTensor(node.attrs.shape.map((d) => d ?? batch), prng, range[0], range[1]);
  }
  return inputs;
}
