import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/index';
import { makeTempDir, pixel } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

const RGB = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
const raw3x2 = () => sharp(RGB, { raw: { width: 3, height: 2, channels: 3 } });

describe('decodeImage: file formats through sharp', () => {
  it('decodes lossless formats exactly: PNG, WebP lossless, TIFF, GIF', async () => {
    const files = {
      png: await raw3x2().png().toBuffer(),
      webp: await raw3x2().webp({ lossless: true }).toBuffer(),
      tiff: await raw3x2().tiff({ compression: 'lzw' }).toBuffer(),
      gif: await raw3x2().gif().toBuffer(), // six colours fit the palette exactly
    };
    for (const [format, bytes] of Object.entries(files)) {
      const image = await decodeImage(await write(`six.${format}`, bytes));
      expect({ format, size: [image.width, image.height], data: Array.from(image.data) }).toEqual({ format, size: [3, 2], data: Array.from(RGB) });
    }
  });

  it('turns a grayscale PNG into RGB with equal channels', async () => {
    const bytes = await sharp(new Uint8Array([0, 100, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(bytes).metadata()).channels).toBe(1);
    const image = await decodeImage(bytes);
    expect(Array.from(image.data)).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]);
  });

  it('drops the alpha of an RGBA PNG (colours kept as stored, not composited)', async () => {
    const rgba = new Uint8Array([10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255]);
    const bytes = await sharp(rgba, { raw: { width: 3, height: 1, channels: 4 } }).png().toBuffer();
    expect((await sharp(bytes).metadata()).hasAlpha).toBe(true);
    const image = await decodeImage(bytes);
    expect(Array.from(image.data)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('expands a palette PNG to its colours', async () => {
    const bytes = await raw3x2().png({ palette: true, colours: 8, dither: 0 }).toBuffer();
    expect((await sharp(bytes).metadata()).isPalette).toBe(true);
    expect(Array.from((await decodeImage(bytes)).data)).toEqual(Array.from(RGB));
  });

  it('converts 16-bit RGB and grey PNGs to 8 bits (high byte)', async () => {
    const samples = new Uint16Array([0, 255, 256, 0x7fff, 0x8000, 0xffff, 1000, 40000, 65280]);
    const rgb16 = await sharp(samples, { raw: { width: 3, height: 1, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    const grey16 = await sharp(new Uint16Array([0, 0x1234, 0xff00, 0xffff]), { raw: { width: 4, height: 1, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    expect((await sharp(rgb16).metadata()).depth).toBe('ushort');
    expect((await sharp(grey16).metadata()).depth).toBe('ushort');
    expect(Array.from((await decodeImage(await write('rgb16.png', rgb16))).data)).toEqual(Array.from(samples, (v) => v >> 8));
    expect(Array.from((await decodeImage(grey16)).data)).toEqual([0, 0, 0, 0x12, 0x12, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });

  it('decodes a CMYK JPEG to sRGB', async () => {
    const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 220, g: 30, b: 30 } } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(red).metadata()).space).toBe('cmyk');
    const [r, g, b] = pixel(await decodeImage(red), 4, 4);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
  });
});

describe('decodeImage: EXIF orientation', () => {
  // Stored 32×16 with quadrants top-left red, top-right green, bottom-left blue, bottom-right white.
  // Orientation 6 means "rotate 90° clockwise to display": displayed 16×32, with
  // stored (x, y) shown at (15 − y, x): red top-right, blue top-left, green bottom-right, white bottom-left.
  const quadrants = () => {
    const data = new Uint8Array(32 * 16 * 3);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 32; x++) {
        const colour = y < 8 ? (x < 16 ? [255, 0, 0] : [0, 255, 0]) : x < 16 ? [0, 0, 255] : [255, 255, 255];
        data.set(colour, (y * 32 + x) * 3);
      }
    }
    return sharp(data, { raw: { width: 32, height: 16, channels: 3 } });
  };
  const near = (actual: number[], expected: number[]) => actual.every((v, i) => Math.abs(v - expected[i]!) <= 24);

  it('applies orientation 6: width and height swap, pixels rotate clockwise', async () => {
    const bytes = await quadrants().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const header = await sharp(bytes).metadata();
    expect([header.width, header.height, header.orientation]).toEqual([32, 16, 6]);
    const image = await decodeImage(await write('orientation-6.jpg', bytes));
    expect([image.width, image.height]).toEqual([16, 32]);
    const at = (x: number, y: number) => pixel(image, x, y);
    expect(near(at(12, 4), [255, 0, 0])).toBe(true); // red: top-right
    expect(near(at(3, 4), [0, 0, 255])).toBe(true); // blue: top-left
    expect(near(at(12, 27), [0, 255, 0])).toBe(true); // green: bottom-right
    expect(near(at(3, 27), [255, 255, 255])).toBe(true); // white: bottom-left
  });

  it('leaves an image without orientation (or orientation 1) as stored', async () => {
    for (const bytes of [await quadrants().jpeg({ quality: 95 }).toBuffer(), await quadrants().jpeg({ quality: 95 }).withMetadata({ orientation: 1 }).toBuffer()]) {
      const image = await decodeImage(bytes);
      expect([image.width, image.height]).toEqual([32, 16]);
      expect(near(pixel(image, 4, 4), [255, 0, 0])).toBe(true);
      expect(near(pixel(image, 27, 12), [255, 255, 255])).toBe(true);
    }
  });
});
