import { describe, expect, it } from 'vitest';
import { nearDuplicateGroups } from '../src';
import { lfwSubsetFaces, readNpy, ridgeHead, solveSpd } from '../src/training';

/** A version-1 .npy file of float64 values (what numpy.save writes for a C-order float64 array). */
function npyBytes(shape: number[], values: number[], descr = '<f8'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Header padded with spaces and ended by '\n' so the data starts at a multiple of 64 bytes (as numpy writes it).
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const bytes = descr === '<f8' ? 8 : 1;
  const out = new Uint8Array(10 + header.length + values.length * bytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => (bytes === 8 ? view.setFloat64(i * 8, v, true) : view.setUint8(i, v)));
  return out;
}

describe('readNpy', () => {
  it('reads shape and values of float64 and uint8 arrays', () => {
    const a = readNpy(npyBytes([2, 3], [0, 0.5, 1, -2, 3.25, 7]));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([0, 0.5, 1, -2, 3.25, 7]);
    expect(Array.from(readNpy(npyBytes([3], [1, 2, 255], '|u1')).data)).toEqual([1, 2, 255]);
  });

  it('refuses other files, unsupported dtypes and short data, naming the file', () => {
    expect(() => readNpy(new TextEncoder().encode('hello world, not numpy'), 'x.npy')).toThrow(/x\.npy.*no \\x93NUMPY magic/);
    expect(() => readNpy(npyBytes([2], [1, 2], '<i8'.replace('i8', 'f8')).slice(0, -3), 'short.npy')).toThrow(/short\.npy.*data bytes/);
    const bad = npyBytes([1], [1]);
    const text = new TextDecoder().decode(bad.subarray(10, 60)).replace('<f8', '<c8');
    bad.set(new TextEncoder().encode(text), 10);
    expect(() => readNpy(bad, 'complex.npy')).toThrow(/dtype <c8 is not supported/);
  });
});

describe('lfwSubsetFaces', () => {
  it('takes the first 100 patches as gray RGB crops, scaled from [0, 1] to 0…255', () => {
    const n = 101;
    const values = Array.from({ length: n * 2 * 2 }, (_, i) => (i % 4) / 3);
    const faces = lfwSubsetFaces(npyBytes([n, 2, 2], values));
    expect(faces).toHaveLength(100);
    expect(faces[0]).toMatchObject({ width: 2, height: 2 });
    expect(Array.from(faces[0]!.data)).toEqual([0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255]);
    expect(() => lfwSubsetFaces(npyBytes([3, 2, 2], new Array(12).fill(0)), 'tiny.npy')).toThrow(/tiny\.npy.*\[3, 2, 2\]/);
  });
});

describe('nearDuplicateGroups', () => {
  it('groups vectors closer than the threshold, transitively, numbering groups in order', () => {
    const v = [[0, 0], [0.1, 0], [0.2, 0], [5, 5], [0, 3], [5, 5.05]].map((x) => Float32Array.from(x));
    expect(nearDuplicateGroups(v, 0.15)).toEqual([0, 0, 0, 1, 2, 1]);
    expect(nearDuplicateGroups(v, 0.01)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('ridge regression of the head', () => {
  it('solveSpd solves a symmetric positive definite system', () => {
    const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const x = solveSpd(a, Float64Array.from([2, 8, 4]), 3, 1);
    // 4x + 2y = 2, 2x + 5y + z = 8, y + 3z = 4 → x = -0.1875... check by substitution.
    const back = [4 * x[0]! + 2 * x[1]!, 2 * x[0]! + 5 * x[1]! + x[2]!, x[1]! + 3 * x[2]!];
    back.forEach((v, i) => expect(v).toBeCloseTo([2, 8, 4][i]!, 10));
    expect(() => solveSpd(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2, 1)).toThrow(/not positive definite/);
  });

  it('recovers a linear map (kernel [in, out] and bias) from exact data with a tiny ridge', () => {
    const size = 3;
    const kernel = [[1, -2], [0.5, 0], [0, 3]];
    const bias = [0.25, -1];
    const count = 20;
    const features = new Float32Array(count * size);
    const targets: Float32Array[] = [];
    for (let s = 0; s < count; s++) {
      for (let i = 0; i < size; i++) features[s * size + i] = Math.sin((i + 2) * 1.3 * s + i) * 2; // independent columns
      targets.push(Float32Array.from([0, 1], (c) => bias[c]! + kernel.reduce((a, row, i) => a + row[c]! * features[s * size + i]!, 0)));
    }
    const fit = ridgeHead(features, count, size, targets, 1e-9);
    expect(fit.kernel.shape).toEqual([3, 2]);
    expect(Array.from(fit.kernel.data).map((v) => Number(v.toFixed(4)) + 0)).toEqual(kernel.flat());
    expect(Array.from(fit.bias.data).map((v) => Number(v.toFixed(4)) + 0)).toEqual(bias);
  });
});
