import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, decodeImage, preprocess } from '../src/index';
import { makeTempDir, pngWithHeaderOnly } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
let noisyJpeg: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  const noise = new Uint8Array(64 * 48 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  noisyJpeg = await sharp(noise, { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
});
afterAll(() => cleanup());

async function write(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

/** The error decodeImage rejects with (the test fails if it resolves). */
async function decodeError(source: Parameters<typeof decodeImage>[0], options?: Parameters<typeof decodeImage>[1]): Promise<ImageError> {
  const error = await decodeImage(source, options).then(
    (image) => new Error(`expected an error, got a ${image.width}×${image.height} image`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

describe('bad input gets a clear error naming the source, or a correct conversion', () => {
  it('a non-image file (text named .jpg)', async () => {
    const file = await write('notes.jpg', 'these are notes, not a photograph\n');
    const error = await decodeError(file);
    expect(error.message).toMatch(/^image file ".*notes\.jpg": not an image in a format sharp can decode/);
    expect(error.source).toBe(`image file "${file}"`);
  });

  it('a truncated JPEG, cut anywhere from the header to the last byte', async () => {
    const cuts = [2, 20, 200, 600, Math.floor(noisyJpeg.length / 2), noisyJpeg.length - 100, noisyJpeg.length - 1];
    for (const cut of cuts) {
      const file = await write(`truncated-${cut}.jpg`, noisyJpeg.subarray(0, cut));
      const error = await decodeError(file);
      expect(error.message).toContain(`truncated-${cut}.jpg": `);
      expect(error.message).toMatch(/corrupt or truncated image data/);
    }
    // The same from bytes: the message says how many bytes and what they look like.
    const error = await decodeError(noisyJpeg.subarray(0, 1000));
    expect(error.message).toMatch(/^image bytes \(1000 bytes, starts like a JPEG\): cannot decode the JPEG image: corrupt or truncated/);
  });

  it('a 0×0 image (PNG header, raw buffer, tensor)', async () => {
    const file = await write('zero.png', pngWithHeaderOnly(0, 0));
    expect((await decodeError(file)).message).toMatch(/^image file ".*zero\.png": corrupt or truncated image data/);
    expect((await decodeError({ width: 0, height: 0, channels: 3, data: new Uint8Array(0) })).message).toBe(
      'raw image 0×0×3 (Uint8Array): image is 0×0: it has no pixels',
    );
    expect((await decodeError({ shape: [0, 0, 3], dataSync: () => new Float32Array(0) })).message).toBe('tensor [0, 0, 3]: image is 0×0: it has no pixels');
    expect((await decodeError({ width: 5, height: 0, data: new Uint8ClampedArray(0) } as unknown as ImageData)).message).toMatch(/image is 5×0/);
  });

  it('a 1×1 image decodes and preprocesses to a uniform input', async () => {
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 255, g: 0, b: 51 } } }).png().toBuffer();
    const image = await decodeImage(await write('one.png', png));
    expect([image.width, image.height, ...image.data]).toEqual([1, 1, 255, 0, 51]);
    const jpeg = await decodeImage(await sharp(png).jpeg().toBuffer());
    expect([jpeg.width, jpeg.height]).toEqual([1, 1]);
    for (const resize of ['stretch', 'padBottomRight', 'letterbox'] as const) {
      const { input } = preprocess(image, { size: 5, resize, normalize: 'zeroToOne' });
      expect(input.shape).toEqual([1, 5, 5, 3]);
      for (let i = 0; i < input.data.length; i += 3) expect([input.data[i], input.data[i + 1], input.data[i + 2]]).toEqual([1, 0, Math.fround(0.2)]);
    }
  });

  it('a 16-bit PNG converts to 8 bits', async () => {
    const samples = new Uint16Array([0xffff, 0x8080, 0x0101]);
    const file = await write('sixteen.png', await sharp(samples, { raw: { width: 1, height: 1, channels: 3 } }).toColourspace('rgb16').png().toBuffer());
    expect(Array.from((await decodeImage(file)).data)).toEqual([255, 128, 1]);
  });

  it('a 20000×20000 image is rejected from its header, before any pixel is decoded', async () => {
    // The file holds only a header: had decoding started, the error would be about corrupt data instead.
    const file = await write('huge.png', pngWithHeaderOnly(20000, 20000));
    expect((await fs.stat(file)).size).toBeLessThan(100);
    const error = await decodeError(file);
    expect(error.message).toMatch(/^image file ".*huge\.png": image is 20000×20000 = 400000000 pixels, more than maxPixels 50000000/);
    const fromBytes = await decodeError(pngWithHeaderOnly(20000, 20000));
    expect(fromBytes.message).toMatch(/^image bytes \(\d+ bytes, starts like a PNG\): image is 20000×20000/);
    // Raising maxPixels lets the header through, and then the missing pixel data is what fails.
    expect((await decodeError(file, { maxPixels: 5e8 })).message).toMatch(/cannot decode the PNG image: corrupt or truncated/);
    expect((await decodeError(file, { maxPixels: Number.POSITIVE_INFINITY })).message).toMatch(/cannot decode the PNG image: corrupt or truncated/);
  });

  it('a missing file, a folder, an empty file, empty bytes', async () => {
    expect((await decodeError(path.join(dir, 'absent.jpg'))).message).toMatch(/absent\.jpg": no such file$/);
    expect((await decodeError(dir)).message).toMatch(/: is not a regular file \(a folder\)$/);
    expect((await decodeError(await write('empty.png', ''))).message).toMatch(/empty\.png": file is empty \(0 bytes\)$/);
    expect((await decodeError(new Uint8Array(0))).message).toBe('image bytes (0 bytes): no bytes to decode (empty buffer)');
  });

  it('random bytes that start like a PNG', async () => {
    const bytes = new Uint8Array(300);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (let i = 8; i < bytes.length; i++) bytes[i] = (i * 131) % 256;
    expect((await decodeError(bytes)).message).toMatch(/^image bytes \(300 bytes, starts like a PNG\): (corrupt or truncated|not an image)/);
  });
});
