import { GraphError, formatShape } from '../errors';
import type { Dim, Node, Padding, Shape } from '../types';

/** Attribute checks and shape arithmetic shared by the op definitions. */

export function fail(node: Node, problem: string, expected?: string, actual?: string): never {
  throw new GraphError(problem, { node: node.name, op: node.op, expected, actual });
}

export function checkPositiveInt(node: Node, what: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(node, `${what} must be a positive integer`, 'an integer ≥ 1', String(value));
  }
}

export function checkPair(node: Node, what: string, value: unknown): void {
  if (!Array.isArray(value) || value.length !== 2) {
    fail(node, `${what} must be a pair [height, width]`, '[h, w]', JSON.stringify(value));
  }
  checkPositiveInt(node, `${what}[0]`, value[0]);
  checkPositiveInt(node, `${what}[1]`, value[1]);
}

/** An optional flag (`useBias`, `keepDims`): absent, true or false, never a string such as "false". */
export function checkOptionalBoolean(node: Node, what: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') fail(node, `${what} must be true or false`, 'true, false or absent', JSON.stringify(value));
}

export function checkPadding(node: Node, value: unknown): void {
  if (value !== 'same' && value !== 'valid') fail(node, 'unknown padding', "'same' or 'valid'", String(value));
}

export function checkRank(node: Node, shape: Shape, rank: number, what = 'input'): void {
  if (shape.length !== rank) {
    fail(node, `${what} must have rank ${rank}`, `rank ${rank}`, `${formatShape(shape)} (rank ${shape.length})`);
  }
}

/** A known (non-batch) dimension; validation guarantees it is a number. */
export function dim(node: Node, shape: Shape, axis: number): number {
  const d = shape[axis];
  if (typeof d !== 'number') fail(node, `dimension ${axis} of the input must be known`, 'a size', formatShape(shape));
  return d;
}

/**
 * Output size of a window op along one axis, TF-style. 'same' pads so that
 * `out = ceil(in / stride)`; 'valid' uses no padding and needs `kernel ≤ in`.
 */
export function windowOutput(node: Node, size: number, kernel: number, stride: number, padding: Padding, axis: string): number {
  if (padding === 'same') return Math.ceil(size / stride);
  if (kernel > size) {
    fail(node, `window is larger than the 'valid' input along ${axis}`, `${axis} ≥ ${kernel}`, `${axis} = ${size}`);
  }
  return Math.floor((size - kernel) / stride) + 1;
}

/**
 * TF 'same' padding along one axis: `[before, after]`. For stride 2 with an
 * even input the odd pixel goes after (bottom / right), as TensorFlow does.
 */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export function spatialOutput(
  node: Node,
  input: Shape,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  channels: number,
): Shape {
  checkRank(node, input, 4);
  const h = windowOutput(node, dim(node, input, 1), kernel[0], strides[0], padding, 'height');
  const w = windowOutput(node, dim(node, input, 2), kernel[1], strides[1], padding, 'width');
  return [input[0] as Dim, h, w, channels];
}

/** Product of the known, non-batch dimensions. */
export function sizeWithoutBatch(node: Node, shape: Shape): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= dim(node, shape, i);
  return n;
}

export const FUSABLE_ACTIVATIONS = ['relu', 'relu6', 'sigmoid', 'linear'] as const;
export const ACTIVATIONS = ['relu', 'relu6', 'sigmoid', 'softmax', 'linear'] as const;

export function checkFusedActivation(node: Node, value: unknown): void {
  if (value !== undefined && !(FUSABLE_ACTIVATIONS as readonly unknown[]).includes(value)) {
    fail(node, 'unknown fused activation', FUSABLE_ACTIVATIONS.join(' | '), String(value));
  }
}
