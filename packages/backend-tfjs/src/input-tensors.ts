import { checkInputShape, formatShape, type HostTensor, type TensorLike, type TensorSpec } from '@mobilenet-kit/core';
import type { Tensor, Tfjs } from './tfjs-types';

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
