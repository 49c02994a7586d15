import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, decodeImage, drawDetections, encodePng, writeImage } from '../src/index';
import { makeTempDir, patternImage } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

describe('encodePng and writeImage', () => {
  it('PNG round trip: encode then decode gives the same pixels', async () => {
    const image = patternImage(37, 21);
    const png = await encodePng(image);
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const back = await decodeImage(png);
    expect([back.width, back.height]).toEqual([37, 21]);
    expect(Buffer.from(back.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('writes a PNG with drawn detections atomically, leaving no temporary file', async () => {
    const file = path.join(dir, 'drawn.png');
    const drawn = drawDetections(patternImage(64, 48), [{ box: { x: 8, y: 20, width: 30, height: 20 }, label: 'face', score: 0.5 }]);
    await writeImage(file, drawn);
    await writeImage(file, drawn); // overwriting works too
    expect(await fs.readdir(dir)).toEqual(['drawn.png']);
    expect(Buffer.from((await decodeImage(file)).data).equals(Buffer.from(drawn.data))).toBe(true);
    expect((await sharp(file).metadata()).format).toBe('png');
  });

  it('picks the format from the extension: .jpg, .jpeg, .webp', async () => {
    const image = patternImage(16, 16);
    for (const [name, format] of [
      ['a.jpg', 'jpeg'],
      ['b.JPEG', 'jpeg'],
      ['c.webp', 'webp'],
    ]) {
      await writeImage(path.join(dir, name!), image);
      expect((await sharp(path.join(dir, name!)).metadata()).format).toBe(format);
    }
  });

  it('refuses unknown extensions, missing folders and invalid images, naming the file', async () => {
    const image = patternImage(4, 4);
    await expect(writeImage(path.join(dir, 'out.bmp'), image)).rejects.toThrow(/out\.bmp": unknown image extension "\.bmp": use \.png, \.jpg, \.jpeg, \.webp/);
    const missing = path.join(dir, 'no', 'such', 'folder', 'x.png');
    const error = await writeImage(missing, image).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toMatch(/x\.png": cannot write the file \(ENOENT/);
    await expect(encodePng({ width: 4, height: 4, data: new Uint8Array(10) })).rejects.toThrow(/RGB image 4×4: not a valid RgbImage \(expected width × height × 3 = 48 bytes, got 10\)/);
  });
});
