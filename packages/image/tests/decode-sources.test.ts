import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, decodeImage } from '../src/index';
import { makeTempDir, pixel } from './helpers';

// A 3×2 image whose six pixels are all different.
const RGB = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);

let dir: string;
let cleanup: () => Promise<void>;
let pngPath: string;
let pngBytes: Buffer;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  pngBytes = await sharp(RGB, { raw: { width: 3, height: 2, channels: 3 } }).png().toBuffer();
  pngPath = path.join(dir, 'six pixels.png');
  await fs.writeFile(pngPath, pngBytes);
});
afterAll(() => cleanup());

describe('decodeImage: each source kind in Node', () => {
  it('reads a file path', async () => {
    const image = await decodeImage(pngPath);
    expect([image.width, image.height]).toEqual([3, 2]);
    expect(Array.from(image.data)).toEqual(Array.from(RGB));
  });

  it('reads encoded bytes (Buffer, plain Uint8Array, a view into a larger buffer, ArrayBuffer)', async () => {
    const padded = new Uint8Array(pngBytes.length + 7);
    padded.set(pngBytes, 5);
    for (const bytes of [pngBytes, new Uint8Array(pngBytes), padded.subarray(5, 5 + pngBytes.length)]) {
      const image = await decodeImage(bytes);
      expect(Array.from(image.data)).toEqual(Array.from(RGB));
    }
    const arrayBuffer = new Uint8Array(pngBytes).buffer;
    expect(Array.from((await decodeImage(arrayBuffer as unknown as Uint8Array)).data)).toEqual(Array.from(RGB));
  });

  it('reads raw RGB and RGBA (alpha dropped, colours kept as stored)', async () => {
    const rgb = await decodeImage({ width: 3, height: 2, channels: 3, data: RGB });
    expect(Array.from(rgb.data)).toEqual(Array.from(RGB));
    expect(rgb.data).not.toBe(RGB); // a copy: later edits of the input do not leak in

    const rgba = new Uint8ClampedArray(6 * 4);
    for (let p = 0; p < 6; p++) {
      rgba.set(RGB.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = p * 40; // alpha varies, including fully transparent
    }
    const fromRgba = await decodeImage({ width: 3, height: 2, channels: 4, data: rgba });
    expect(Array.from(fromRgba.data)).toEqual(Array.from(RGB));
  });

  it('reads raw grey and grey + alpha (grey copied to R, G and B)', async () => {
    const grey = await decodeImage({ width: 2, height: 1, channels: 1, data: new Uint8Array([7, 200]) });
    expect(Array.from(grey.data)).toEqual([7, 7, 7, 200, 200, 200]);
    const greyAlpha = await decodeImage({ width: 2, height: 1, channels: 2, data: new Uint8Array([7, 0, 200, 255]) });
    expect(Array.from(greyAlpha.data)).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('reads raw 16-bit samples, keeping the high byte as sharp does for 16-bit PNGs', async () => {
    const data = new Uint16Array([0, 255, 256, 0x7fff, 0x8000, 65535]);
    const image = await decodeImage({ width: 2, height: 1, channels: 3, data });
    expect(Array.from(image.data)).toEqual([0, 0, 1, 0x7f, 0x80, 255]);
  });

  it('reads ImageData-like objects (RGBA Uint8ClampedArray, no channels field)', async () => {
    const data = new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 0]);
    const image = await decodeImage({ width: 2, height: 1, data } as unknown as ImageData);
    expect(Array.from(image.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('passes an already decoded RgbImage through (copied)', async () => {
    const image = await decodeImage({ width: 3, height: 2, data: RGB } as never);
    expect(Array.from(image.data)).toEqual(Array.from(RGB));
  });

  it('reads tensor-like objects [h, w, 3], [1, h, w, 3], [h, w, 1] and [h, w, 4]', async () => {
    const tensor = (shape: number[], values: number[]) => ({ shape, dataSync: () => Float32Array.from(values) });
    const hwc = await decodeImage(tensor([2, 3, 3], Array.from(RGB)));
    expect([hwc.width, hwc.height]).toEqual([3, 2]);
    expect(pixel(hwc, 2, 0)).toEqual([0, 0, 255]);
    expect(pixel(hwc, 0, 1)).toEqual([10, 20, 30]);
    const batched = await decodeImage(tensor([1, 2, 3, 3], Array.from(RGB)));
    expect(Array.from(batched.data)).toEqual(Array.from(RGB));
    const grey = await decodeImage(tensor([1, 2, 1], [9, 250]));
    expect(Array.from(grey.data)).toEqual([9, 9, 9, 250, 250, 250]);
    const rgba = await decodeImage(tensor([1, 1, 4], [1, 2, 3, 4]));
    expect(Array.from(rgba.data)).toEqual([1, 2, 3]);
    const int32 = await decodeImage({ shape: [1, 1, 3], dataSync: () => Int32Array.from([0, 128, 255]) });
    expect(Array.from(int32.data)).toEqual([0, 128, 255]);
  });

  it('rounds float tensor values and refuses normalized ones with the index and value', async () => {
    const rounded = await decodeImage({ shape: [1, 1, 3], dataSync: () => [0.4, 127.5, 254.6] });
    expect(Array.from(rounded.data)).toEqual([0, 128, 255]);
    await expect(decodeImage({ shape: [1, 1, 3], dataSync: () => [0.5, -0.98, 1] })).rejects.toThrow(
      /tensor \[1, 1, 3\]: value -0\.98 at index 1 is outside 0\.\.255/,
    );
    await expect(decodeImage({ shape: [1, 1, 3], dataSync: () => [Number.NaN, 0, 0] })).rejects.toThrow(/value NaN at index 0/);
  });

  it('names the source and the problem for malformed raw and tensor inputs', async () => {
    await expect(decodeImage({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).rejects.toThrow(
      'raw image 2×2×3 (Uint8Array): data holds 11 values, expected 2×2×3 = 12',
    );
    await expect(decodeImage({ width: 1, height: 1, channels: 5 as 3, data: new Uint8Array(5) })).rejects.toThrow(/channels must be 1, 2, 3 or 4, got 5/);
    await expect(decodeImage({ width: 1, height: 1, channels: 3, data: new Float32Array(3) as never })).rejects.toThrow(
      /data must be a Uint8Array, Uint8ClampedArray or Uint16Array, got Float32Array/,
    );
    await expect(decodeImage({ shape: [2, 2, 2, 3], dataSync: () => new Float32Array(24) })).rejects.toThrow(
      /tensor \[2, 2, 2, 3\]: expected shape \[height, width, channels\] or \[1, height, width, channels\]/,
    );
    await expect(decodeImage({ shape: [2, 2, 5], dataSync: () => new Float32Array(20) })).rejects.toThrow(/expected 1 to 4 channels/);
    await expect(decodeImage({ shape: [2, 2, 3], dataSync: () => new Float32Array(5) })).rejects.toThrow(/dataSync\(\) returned 5 values/);
  });

  it('refuses what is not an image source, saying what is accepted', async () => {
    for (const bad of [42, null, undefined, { foo: 1 }, [1, 2, 3]]) {
      const error = await decodeImage(bad as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageError);
      expect((error as Error).message).toMatch(/^image source: unsupported source .*expected a file path, encoded bytes/);
    }
  });

  it('applies maxPixels to every source kind, and checks the option', async () => {
    const raw = { width: 30, height: 20, channels: 3 as const, data: new Uint8Array(1800) };
    await expect(decodeImage(raw, { maxPixels: 599 })).rejects.toThrow('raw image 30×20×3 (Uint8Array): image is 30×20 = 600 pixels, more than maxPixels 599');
    expect((await decodeImage(raw, { maxPixels: 600 })).width).toBe(30);
    await expect(decodeImage({ shape: [20, 30, 3], dataSync: () => new Uint8Array(1800) }, { maxPixels: 100 })).rejects.toThrow(/more than maxPixels 100/);
    await expect(decodeImage(pngPath, { maxPixels: 5 })).rejects.toThrow(/image file ".*six pixels\.png": image is 3×2 = 6 pixels, more than maxPixels 5/);
    await expect(decodeImage(raw, { maxPixels: 0 })).rejects.toThrow(/maxPixels must be a positive number, got 0/);
  });
});
