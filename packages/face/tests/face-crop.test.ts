import type { RgbImage } from '@mobilenet-kit/image';
import { describe, expect, it } from 'vitest';
import { FaceOptionError, faceCrop } from '../src';

/** A 10×8 image whose pixel (x, y) is (x, y, 200). */
const image: RgbImage = {
  width: 10,
  height: 8,
  data: Uint8Array.from({ length: 10 * 8 * 3 }, (_, i) => {
    const p = Math.floor(i / 3);
    return [p % 10, Math.floor(p / 10), 200][i % 3]!;
  }),
};
const pixel = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('faceCrop', () => {
  it('takes a square centered on the box, the longer side plus the margin', () => {
    const { image: crop, region } = faceCrop(image, { x: 3, y: 2, width: 4, height: 2 }, 0.25);
    expect(region).toEqual({ x: 2, y: 0, width: 6, height: 6 });
    expect(crop.width).toBe(6);
    expect(pixel(crop, 0, 0)).toEqual([2, 0, 200]);
    expect(pixel(crop, 5, 5)).toEqual([7, 5, 200]);
  });

  it('pads black past the border, keeping the face in place', () => {
    const { image: crop, region } = faceCrop(image, { x: -1, y: 5, width: 4, height: 4 }, 0);
    expect(region).toEqual({ x: -1, y: 5, width: 4, height: 4 });
    expect(pixel(crop, 0, 0)).toEqual([0, 0, 0]); // x = -1: outside
    expect(pixel(crop, 1, 0)).toEqual([0, 5, 200]);
    expect(pixel(crop, 3, 2)).toEqual([2, 7, 200]);
    expect(pixel(crop, 3, 3)).toEqual([0, 0, 0]); // y = 8: outside
  });

  it('handles a 1×1 box (a 1×1 crop) and refuses boxes without area or outside the image', () => {
    const { image: crop } = faceCrop(image, { x: 4, y: 4, width: 1, height: 1 }, 0);
    expect(crop.width).toBe(1);
    expect(pixel(crop, 0, 0)).toEqual([4, 4, 200]);
    expect(() => faceCrop(image, { x: 4, y: 4, width: 0, height: 3 })).toThrow(FaceOptionError);
    expect(() => faceCrop(image, { x: Number.NaN, y: 4, width: 2, height: 3 })).toThrow(/finite/);
    expect(() => faceCrop(image, { x: 20, y: 4, width: 2, height: 2 }, 0)).toThrow(/does not overlap the 10×8 image/);
    expect(() => faceCrop(image, { x: 2, y: 2, width: 2, height: 2 }, -1)).toThrow(/"margin" = -1/);
  });
});
