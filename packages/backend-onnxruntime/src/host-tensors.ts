import { formatShape, type HostTensor, type TensorLike, type TensorSpec } from '@mobilenet-kit/core';

/**
 * Reads one input into a Float32Array and its shape, checking it against the
 * model's input spec: rank, every fixed dimension, and the value count.
 */
export function readInput(spec: TensorSpec, value: TensorLike | undefined): HostTensor {
  if (value === undefined || value === null || typeof value !== 'object' || !Array.isArray(value.shape)) {
    throw new Error(`input "${spec.name}": expected a tensor of shape ${formatShape(spec.shape)} (a HostTensor { shape, data } or anything with dataSync()), got ${value === null ? 'null' : typeof value}`);
  }
  const shape = value.shape.map(Number);
  let data: Float32Array;
  if ('data' in value && value.data instanceof Float32Array) data = value.data;
  else if ('dataSync' in value && typeof value.dataSync === 'function') {
    const d = value.dataSync();
    data = d instanceof Float32Array ? d : Float32Array.from(d);
  } else throw new Error(`input "${spec.name}": data must be a Float32Array (or the tensor must have dataSync())`);
  const mismatch = shape.length !== spec.shape.length || spec.shape.some((d, i) => d !== null && d !== shape[i]);
  if (mismatch || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`input "${spec.name}": shape ${formatShape(shape)} does not fit ${formatShape(spec.shape)}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`input "${spec.name}": ${data.length} values do not fill shape ${formatShape(shape)} (${size} values)`);
  return { shape, data };
}
