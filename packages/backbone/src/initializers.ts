import { analyzeGraph, paramSpecs, type Graph, type ParamSpec, type WeightTensor, type Weights } from '@mobilenet-kit/core';
import { BackboneOptionError } from './errors';
import { deriveSeed, mulberry32 } from '@mobilenet-kit/core';

/**
 * Keras's `compute_fans` (keras/src/initializers/random_initializers.py):
 * a 2-D kernel `[in, out]` has fans (in, out); a conv kernel
 * `[...receptive field, in, out]` multiplies both by the receptive field
 * size. A depthwise kernel `[kh, kw, channels, multiplier]` therefore has
 * fan_in = kh·kw·channels and fan_out = kh·kw·multiplier, as in Keras.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptiveField, fanOut: shape[shape.length - 1]! * receptiveField };
}

/** Glorot (Xavier) uniform bound: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). */
export function glorotUniformLimit(shape: readonly number[]): number {
  const { fanIn, fanOut } = computeFans(shape);
  return Math.sqrt(6 / (fanIn + fanOut));
}

export interface InitializeWeightsOptions {
  /** Any safe integer; the same seed gives the same weights. Default 0. */
  seed?: number;
}

const BN_INITIAL_VALUES: Readonly<Record<string, number>> = { gamma: 1, beta: 0, moving_mean: 0, moving_variance: 1 };

/** The initial tensor of one parameter, drawn from its own stream (seed, parameter name). */
export function initializeParam(spec: ParamSpec, seed = 0): WeightTensor {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  if (spec.role === 'kernel') {
    const limit = glorotUniformLimit(spec.shape);
    const next = mulberry32(deriveSeed(seed, spec.name));
    for (let i = 0; i < size; i++) data[i] = (2 * next() - 1) * limit;
  } else if (spec.role === 'bn') {
    const param = spec.name.slice(spec.name.lastIndexOf('/') + 1);
    const value = BN_INITIAL_VALUES[param];
    if (value === undefined) {
      throw new Error(`initializeWeights: batch-norm parameter "${spec.name}" is not one of ${Object.keys(BN_INITIAL_VALUES).join(', ')}`);
    }
    data.fill(value);
  } else if (spec.role !== 'bias') {
    throw new Error(`initializeWeights: parameter "${spec.name}" has role "${String(spec.role)}"; known roles: kernel, bias, bn`);
  }
  // Biases stay zero, as Keras's 'zeros' bias initializer.
  return { shape: [...spec.shape], data };
}

/**
 * Initial weights for every parameter of any IR graph, with Keras's
 * defaults: glorot_uniform kernels (conv, depthwise, dense; fans as Keras
 * computes them), zero biases, batch norm gamma = 1, beta = 0,
 * moving_mean = 0, moving_variance = 1.
 *
 * Each parameter draws from a stream seeded by (seed, parameter name), so a
 * parameter's values do not depend on the other nodes of the graph: a
 * backbone gets the same weights with or without a head on top.
 */
export function initializeWeights(graph: Graph, options: InitializeWeightsOptions = {}): Weights {
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new BackboneOptionError('seed', seed, 'the seed must be a safe integer', 'initializeWeights');
  }
  const weights = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(graph, analyzeGraph(graph))) weights.set(spec.name, initializeParam(spec, seed));
  return weights;
}
