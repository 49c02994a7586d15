import { describe, expect, it } from 'vitest';
import { type TensorSpec, checkInputNames, readHostInput } from '../src/index';

const spec: TensorSpec = { name: 'image', shape: [null, 2, 2, 3], dtype: 'float32' };

describe("core's input checks for backends", () => {
  it('checkInputNames: every input given, nothing else', () => {
    expect(() => checkInputNames('m', [spec], { image: { shape: [1, 2, 2, 3], data: new Float32Array(12) } })).not.toThrow();
    expect(() => checkInputNames('m', [spec], {})).toThrow('model "m": input "image" is missing (the model\'s inputs: "image")');
    expect(() => checkInputNames('m', [spec], { image: { shape: [1], data: new Float32Array(1) }, mask: { shape: [1], data: new Float32Array(1) } })).toThrow('model "m": unknown input "mask"');
    expect(() => checkInputNames('m', [spec], null as never)).toThrow(TypeError);
  });

  it('readHostInput: shape against the spec, values against the shape; Float32Array data kept, other data converted', () => {
    const data = new Float32Array(24);
    expect(readHostInput('m', spec, { shape: [2, 2, 2, 3], data }).data).toBe(data);
    const fromTensor = readHostInput('m', spec, { shape: [1, 2, 2, 3], dataSync: () => Array.from({ length: 12 }, (_, i) => i) });
    expect(fromTensor.data).toBeInstanceOf(Float32Array);
    expect(fromTensor.data[11]).toBe(11);
    expect(() => readHostInput('m', spec, { shape: [1, 2, 3, 3], data: new Float32Array(18) })).toThrow('input "image" has shape [1, 2, 3, 3], expected [?, 2, 2, 3] (dimension 2 is 3, the model needs 2)');
    expect(() => readHostInput('m', spec, { shape: [2, 2, 3], data: new Float32Array(12) })).toThrow('(rank 3 instead of 4)');
    expect(() => readHostInput('m', spec, { shape: [0, 2, 2, 3], data: new Float32Array(0) })).toThrow('dimension 0 must be a positive integer');
    expect(() => readHostInput('m', spec, { shape: [1, 2, 2, 3], data: new Float32Array(5) })).toThrow('input "image" has 5 values, its shape [1, 2, 2, 3] needs 12');
    expect(() => readHostInput('m', spec, 7 as never)).toThrow(TypeError);
  });
});
