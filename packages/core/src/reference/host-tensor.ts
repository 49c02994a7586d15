import type { HostTensor, TensorLike } from '../backend';
import { formatShape } from '../errors';

/** Number of elements of a concrete shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function hostTensor(shape: readonly number[], data: Float32Array): HostTensor {
  return { shape: [...shape], data };
}

/**
 * Reads a `TensorLike` (host data or a tfjs-style tensor with `dataSync()`)
 * into host data, checking that the data length matches the shape.
 */
export function toHostTensor(name: string, value: TensorLike): HostTensor {
  if (value === null || typeof value !== 'object' || !Array.isArray(value.shape)) {
    throw new Error(`input "${name}": expected a tensor with a shape and data, got ${value === null ? 'null' : typeof value}`);
  }
  const shape = value.shape.map(Number);
  let data: Float32Array;
  if ('data' in value && value.data instanceof Float32Array) data = value.data;
  else if ('dataSync' in value && typeof value.dataSync === 'function') data = Float32Array.from(value.dataSync());
  else throw new Error(`input "${name}": data must be a Float32Array (or the tensor must have dataSync())`);
  if (data.length !== sizeOf(shape)) {
    throw new Error(`input "${name}": ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} values)`);
  }
  return { shape, data };
}
