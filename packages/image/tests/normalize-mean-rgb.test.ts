import { describe, expect, it } from 'vitest';
import { preprocess, rgbImageProblem } from '../src/index';
import { maxAbsDiff, patternImage } from './helpers';
import { cpuTf } from './tfjs';

// face-api's FaceRecognitionNet input normalization (its recognition net: (x − mean RGB) / 255).
const meanRgb = [122.782, 117.001, 104.298] as const;

describe('preprocess: { meanRgb, divisor } normalization', () => {
  it('equals tfjs sub then div on raw pixel values, bit for bit', async () => {
    const tf = await cpuTf();
    const image = patternImage(9, 5);
    const x = tf.tensor4d(Float32Array.from(image.data), [1, 5, 9, 3]);
    const mean = tf.tensor1d([...meanRgb]);
    const expected = tf.div(tf.sub(x, mean), 255);
    const ours = preprocess(image, { size: [5, 9], normalize: { meanRgb, divisor: 255 } }).input.data;
    expect(maxAbsDiff(ours, expected.dataSync())).toBe(0);
    tf.dispose([x, mean, expected]);
  });

  it('refuses a malformed mean, a non-finite divisor and a zero divisor', () => {
    const image = patternImage(2, 2);
    expect(() => preprocess(image, { size: 2, normalize: { meanRgb: [1, 2] as never, divisor: 255 } })).toThrow(/normalize must be .*\{ meanRgb: \[r, g, b\], divisor \}/);
    expect(() => preprocess(image, { size: 2, normalize: { meanRgb, divisor: Number.NaN } })).toThrow(/normalize must be/);
    expect(() => preprocess(image, { size: 2, normalize: { meanRgb, divisor: 0 } })).toThrow('normalize: divisor must not be 0');
  });
});

describe('rgbImageProblem', () => {
  it('is undefined for a well-formed image and describes anything else', () => {
    expect(rgbImageProblem({ width: 2, height: 1, data: new Uint8Array(6) })).toBeUndefined();
    expect(rgbImageProblem({ width: 2, height: 2, data: new Uint8Array(5) })).toBe('2×2 with 5 bytes');
    expect(rgbImageProblem({ width: 0, height: 1, data: new Uint8Array(0) })).toBe('0×1 with 0 bytes');
    expect(rgbImageProblem({ width: 1, height: 1, data: [1, 2, 3] })).toBe('1×1 with 3 bytes');
    expect(rgbImageProblem({ width: 1, height: 1 })).toBe('1×1 with undefined bytes');
    expect(rgbImageProblem(null)).toBe('null');
    expect(rgbImageProblem(7)).toBe('7');
  });
});
