import { ImageError, checkImageSize } from './errors';
import type { RawImageInput, RgbImage } from './types';

/**
 * Converts interleaved 8- or 16-bit pixels with 1–4 channels into an RGB image:
 * grey is copied to R, G and B; alpha (channel 2 of 2, 4 of 4) is dropped, the
 * colour values kept as stored (as `tf.node.decodeImage(…, 3)` and
 * `tf.browser.fromPixels` do); 16-bit samples keep their high byte (`v >> 8`),
 * which is what sharp/libvips does to a 16-bit PNG.
 */
export function rawPixelsToRgb(source: string, input: RawImageInput, maxPixels: number): RgbImage {
  const { width, height, channels, data } = input;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Uint16Array)) {
    throw new ImageError(source, `data must be a Uint8Array, Uint8ClampedArray or Uint16Array, got ${describeValue(data)}`);
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new ImageError(source, `channels must be 1, 2, 3 or 4, got ${String(channels)}`);
  }
  checkImageSize(source, width, height, maxPixels);
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new ImageError(source, `data holds ${data.length} values, expected ${width}×${height}×${channels} = ${expected}`);
  }
  const pixels = width * height;
  const out = new Uint8Array(pixels * 3);
  const shift = data instanceof Uint16Array ? 8 : 0;
  if (channels >= 3) {
    for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 3) {
      out[o] = data[i]! >> shift;
      out[o + 1] = data[i + 1]! >> shift;
      out[o + 2] = data[i + 2]! >> shift;
    }
  } else {
    for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 3) {
      const grey = data[i]! >> shift;
      out[o] = grey;
      out[o + 1] = grey;
      out[o + 2] = grey;
    }
  }
  return { width, height, data: out };
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
