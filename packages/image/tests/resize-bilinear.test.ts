import { beforeAll, describe, expect, it } from 'vitest';
import { resizeBilinear } from '../src/index';
import { maxAbsDiff, patternImage } from './helpers';
import { cpuTf } from './tfjs';

let tf: Awaited<ReturnType<typeof cpuTf>>;
beforeAll(async () => {
  tf = await cpuTf();
});

describe('resizeBilinear: hand-computed values (alignCorners = false, halfPixelCenters = false)', () => {
  it('upsamples 2×2 to 3×3: source position r·(2/3), clamped at the last row and column', () => {
    // [[0, 10], [20, 30]]: rows and columns sample at 0, 2/3 and 4/3 (clamped to 1).
    const out = resizeBilinear({ shape: [2, 2, 1], data: new Float32Array([0, 10, 20, 30]) }, 3, 3);
    expect(out.shape).toEqual([3, 3, 1]);
    const expected = [0, 20 / 3, 10, 40 / 3, 20, 70 / 3, 20, 80 / 3, 30];
    expected.forEach((value, i) => expect(out.data[i]).toBeCloseTo(value, 5));
  });

  it('downsamples 1×4 to 1×2 by picking source columns 0 and 2 (no averaging)', () => {
    const out = resizeBilinear({ shape: [1, 4, 1], data: new Float32Array([1, 2, 3, 4]) }, 1, 2);
    expect(Array.from(out.data)).toEqual([1, 3]);
  });

  it('resizes 1×3 to 1×2: the second output samples column 1.5 = (2 + 3) / 2', () => {
    const out = resizeBilinear({ shape: [1, 3, 1], data: new Float32Array([1, 2, 3]) }, 1, 2);
    expect(Array.from(out.data)).toEqual([1, 2.5]);
  });

  it('interpolates every channel of an RgbImage the same way and keeps [h, w, 3]', () => {
    const image = { width: 2, height: 1, data: new Uint8Array([0, 100, 200, 100, 0, 50]) };
    const out = resizeBilinear(image, 1, 4);
    expect(out.shape).toEqual([1, 4, 3]);
    // Columns sample 0, 0.5, 1, 1.5 (clamped to column 1).
    expect(Array.from(out.data)).toEqual([0, 100, 200, 50, 50, 125, 100, 0, 50, 100, 0, 50]);
  });

  it('refuses bad sizes and malformed inputs', () => {
    expect(() => resizeBilinear(patternImage(2, 2), 0, 3)).toThrow('target size must be positive integers, got 0×3');
    expect(() => resizeBilinear(patternImage(2, 2), 2.5, 3)).toThrow(/got 2\.5×3/);
    expect(() => resizeBilinear({ shape: [4, 4], data: new Float32Array(16) }, 2, 2)).toThrow(/expected a tensor of shape \[h, w, c\] or \[n, h, w, c\], got \[4, 4\]/);
    expect(() => resizeBilinear({ shape: [2, 2, 3], data: new Float32Array(5) }, 2, 2)).toThrow(/holds 5 values/);
  });
});

describe('resizeBilinear equals tf.image.resizeBilinear (tfjs-backend-cpu 4.22.0) on odd sizes', () => {
  const cases: [number, number, number, number, number][] = [
    // [inHeight, inWidth, channels, outHeight, outWidth]
    [7, 5, 3, 3, 11],
    [13, 17, 3, 5, 9],
    [1, 1, 3, 4, 3],
    [9, 9, 1, 1, 1],
    [97, 61, 3, 50, 77],
    [31, 23, 3, 224, 224],
    [3, 301, 2, 7, 113],
    [50, 50, 3, 50, 50],
  ];
  for (const [inHeight, inWidth, channels, outHeight, outWidth] of cases) {
    it(`${inHeight}×${inWidth}×${channels} → ${outHeight}×${outWidth}`, () => {
      const values = new Float32Array(inHeight * inWidth * channels);
      for (let i = 0; i < values.length; i++) values[i] = ((i * 2654435761) % 65536) / 256.7; // non-integer values too
      const ours = resizeBilinear({ shape: [inHeight, inWidth, channels], data: values }, outHeight, outWidth);
      const input = tf.tensor3d(values, [inHeight, inWidth, channels]);
      const resized = tf.image.resizeBilinear(input, [outHeight, outWidth], false, false);
      const theirs = resized.dataSync();
      expect(ours.shape).toEqual(resized.shape);
      expect(maxAbsDiff(ours.data, theirs)).toBeLessThanOrEqual(1e-4);
      // The kernel is mirrored operation for operation, so in fact the results are bit-identical.
      expect(Buffer.from(ours.data.buffer).equals(Buffer.from(new Float32Array(theirs).buffer))).toBe(true);
      tf.dispose([input, resized]);
    });
  }

  it('an 8-bit RgbImage equals tfjs on the int32 tensor of the same pixels', () => {
    const image = patternImage(45, 29);
    const input = tf.tensor3d(Int32Array.from(image.data), [29, 45, 3], 'int32');
    const resized = tf.image.resizeBilinear(input, [17, 63]);
    expect(maxAbsDiff(resizeBilinear(image, 17, 63).data, resized.dataSync())).toBe(0);
    tf.dispose([input, resized]);
  });

  it('a batch [n, h, w, c] is resized image by image', () => {
    const values = Float32Array.from({ length: 2 * 5 * 7 * 3 }, (_, i) => (i * 31) % 255);
    const input = tf.tensor4d(values, [2, 5, 7, 3]);
    const resized = tf.image.resizeBilinear(input, [9, 4]);
    const ours = resizeBilinear({ shape: [2, 5, 7, 3], data: values }, 9, 4);
    expect(ours.shape).toEqual([2, 9, 4, 3]);
    expect(maxAbsDiff(ours.data, resized.dataSync())).toBe(0);
    tf.dispose([input, resized]);
  });
});
