import { formatShape, type HostTensor, type TensorLike, type TensorSpec } from '@mobilenet-kit/core';
import type { Tensor, Tfjs } from './tfjs-types';

/**
 * Checks the names of a run's inputs against the model's inputs: every input
 * is given, nothing else is.
 */
export function checkInputNames(modelName: string, specs: readonly TensorSpec[], inputs: Readonly<Record<string, TensorLike>>): void {
  if (inputs === null || typeof inputs !== 'object') {
    throw new TypeError(`model "${modelName}": run() takes an object of inputs keyed by name (${specs.map((s) => `"${s.name}"`).join(', ')})`);
  }
  const expected = specs.map((s) => `"${s.name}"`).join(', ');
  for (const name of Object.keys(inputs)) {
    if (!specs.some((s) => s.name === name)) throw new Error(`model "${modelName}": unknown input "${name}" (the model's inputs: ${expected})`);
  }
  for (const spec of specs) {
    if (inputs[spec.name] === undefined) throw new Error(`model "${modelName}": input "${spec.name}" is missing (the model's inputs: ${expected})`);
  }
}

/** Checks a concrete shape against an input spec: rank, every non-batch dimension, a fixed batch. */
export function checkInputShape(modelName: string, spec: TensorSpec, shape: readonly number[]): void {
  const problem = (why: string) =>
    new Error(`model "${modelName}": input "${spec.name}" has shape ${formatShape(shape)}, expected ${formatShape(spec.shape)} (${why})`);
  if (!Array.isArray(shape) && !ArrayBuffer.isView(shape)) throw problem('the shape is not an array');
  if (shape.length !== spec.shape.length) throw problem(`rank ${shape.length} instead of ${spec.shape.length}`);
  shape.forEach((d, i) => {
    const want = spec.shape[i];
    if (!Number.isInteger(d) || d < 1) throw problem(`dimension ${i} must be a positive integer`);
    if (want !== null && want !== undefined && d !== want) throw problem(`dimension ${i} is ${d}, the model needs ${want}`);
  });
}

function isHostTensor(value: TensorLike): value is HostTensor {
  return typeof (value as { dataSync?: unknown }).dataSync !== 'function' && 'data' in value;
}

/**
 * Turns one run input into a float32 tf tensor on the active backend. Call it
 * inside tf.tidy: the tensors it creates are freed by the tidy. A tf.Tensor of
 * this tfjs copy is used as is (a non-float32 one is cast); host data and
 * foreign tensor objects are copied in.
 */
export function toInputTensor(tf: Tfjs, modelName: string, spec: TensorSpec, value: TensorLike): Tensor {
  if (value === null || typeof value !== 'object' || !('shape' in value)) {
    throw new TypeError(`model "${modelName}": input "${spec.name}" must be a HostTensor ({ data: Float32Array, shape }) or a tensor, got ${value === null ? 'null' : typeof value}`);
  }
  const shape = [...value.shape];
  checkInputShape(modelName, spec, shape);
  const size = shape.reduce((a, b) => a * b, 1);
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new Error(`model "${modelName}": input "${spec.name}" is a disposed tensor`);
    if (value.dtype === 'string' || value.dtype === 'complex64') throw new Error(`model "${modelName}": input "${spec.name}" has dtype ${value.dtype}, expected float32`);
    return value.dtype === 'float32' ? value : tf.cast(value, 'float32');
  }
  const data = isHostTensor(value) ? value.data : value.dataSync();
  if (!data || typeof (data as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`model "${modelName}": input "${spec.name}" has no data (expected a Float32Array of ${size} values)`);
  }
  if (data.length !== size) {
    throw new Error(`model "${modelName}": input "${spec.name}" has ${data.length} values, its shape ${formatShape(shape)} needs ${size}`);
  }
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  return tf.tensor(values, shape, 'float32');
}
