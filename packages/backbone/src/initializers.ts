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

/**
 * He (Kaiming) uniform bound for a layer followed by ReLU (He et al. 2015): U(-limit, limit),
 * limit = sqrt(6 / fan_in), variance 2 / fan_in. A depthwise kernel `[kh, kw, C, m]` mixes no
 * channels, so its fan_in is kh·kw (each output channel sees one input channel), not kh·kw·C as
 * Keras's compute_fans counts it.
 */
export function heUniformLimit(shape: readonly number[], depthwise = false): number {
  const fanIn = depthwise && shape.length === 4 ? shape[0]! * shape[1]! : computeFans(shape).fanIn;
  return Math.sqrt(6 / fanIn);
}

export interface InitializeWeightsOptions {
  /** Any safe integer; the same seed gives the same weights. Default 0. */
  seed?: number;
  /**
   * Kernel initialization. 'glorot' (default): Keras's glorot_uniform. 'he': He uniform with a
   * depthwise filter's fan_in = kh·kw, which keeps the features' scale through MobileNet's 27
   * ReLU layers when batch norm runs on its initial statistics (mean 0, variance 1); Glorot
   * shrinks them by about √C per depthwise layer, so a from-scratch network with frozen BN sees
   * almost nothing of its input.
   */
  scheme?: 'glorot' | 'he';
}

const BN_INITIAL_VALUES: Readonly<Record<string, number>> = { gamma: 1, beta: 0, moving_mean: 0, moving_variance: 1 };

/** The initial tensor of one parameter, drawn from its own stream (seed, parameter name). */
export function initializeParam(spec: ParamSpec, seed = 0, scheme: 'glorot' | 'he' = 'glorot'): WeightTensor {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  if (spec.role === 'kernel') {
    const limit = scheme === 'he' ? heUniformLimit(spec.shape, spec.name.endsWith('/depthwise_kernel')) : glorotUniformLimit(spec.shape);
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
  const scheme = options.scheme ?? 'glorot';
  if (scheme !== 'glorot' && scheme !== 'he') throw new BackboneOptionError('scheme', scheme, "'glorot' or 'he'", 'initializeWeights');
  const weights = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(graph, analyzeGraph(graph))) weights.set(spec.name, initializeParam(spec, seed, scheme));
  return weights;
}
