import type { HostTensor, TensorLike, TensorSpec } from './backend';
import { formatShape } from './errors';

/**
 * The input checks every backend's `run()` makes, exported so that a plugin
 * makes them the same way (and the conformance suite's contract cases hold it
 * to them): the names, the shape against the spec, the values against the
 * shape. Errors name the model and the input.
 */

/** Every input of the model is given and nothing else is. */
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

/** A concrete shape against an input spec: rank, every fixed dimension, positive integers. */
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

/**
 * One run input as host data (a HostTensor, or anything with `shape` and
 * `dataSync()`), checked against its spec: the shape, then that the values
 * fill it. Float32Array data is used as is; other array data is converted.
 */
export function readHostInput(modelName: string, spec: TensorSpec, value: TensorLike): HostTensor {
  if (value === null || typeof value !== 'object' || !('shape' in value) || !Array.isArray(value.shape)) {
    throw new TypeError(`model "${modelName}": input "${spec.name}" must be a HostTensor ({ data: Float32Array, shape }) or a tensor with dataSync(), got ${value === null ? 'null' : typeof value}`);
  }
  const shape = value.shape.map(Number);
  checkInputShape(modelName, spec, shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const raw = 'dataSync' in value && typeof value.dataSync === 'function' ? value.dataSync() : (value as HostTensor).data;
  if (!raw || typeof (raw as ArrayLike<number>).length !== 'number') throw new TypeError(`model "${modelName}": input "${spec.name}" has no data (expected a Float32Array of ${size} values)`);
  if (raw.length !== size) throw new Error(`model "${modelName}": input "${spec.name}" has ${raw.length} values, its shape ${formatShape(shape)} needs ${size}`);
  return { shape, data: raw instanceof Float32Array ? raw : Float32Array.from(raw) };
}
