import { ImageError, checkImageSize } from './errors';
import type { RgbImage, TensorImageInput } from './types';

/**
 * Reads a tensor-like image (`[h, w, c]` or `[1, h, w, c]`, c in 1..4, values
 * 0..255) into RGB bytes. Non-integer values are rounded; values outside
 * 0..255 or NaN are refused (a tensor already normalized to [-1, 1] or [0, 1]
 * is not an image of 0..255 values, and would silently turn black).
 */
export function tensorToRgb(source: string, tensor: TensorImageInput, maxPixels: number): RgbImage {
  const shape = Array.from(tensor.shape);
  const hwc = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (hwc.length !== 3) {
    throw new ImageError(source, `expected shape [height, width, channels] or [1, height, width, channels], got [${shape.join(', ')}]`);
  }
  const [height, width, channels] = hwc as [number, number, number];
  if (!(channels >= 1 && channels <= 4)) {
    throw new ImageError(source, `expected 1 to 4 channels (grey, grey + alpha, RGB, RGBA), got ${channels} in shape [${shape.join(', ')}]`);
  }
  checkImageSize(source, width, height, maxPixels);
  const values = tensor.dataSync();
  const pixels = width * height;
  if (values.length !== pixels * channels) {
    throw new ImageError(source, `dataSync() returned ${values.length} values for shape [${shape.join(', ')}]`);
  }
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const i = p * channels;
    for (let c = 0; c < 3; c++) {
      const value = values[channels >= 3 ? i + c : i]!;
      if (!(value >= 0 && value <= 255)) {
        throw new ImageError(source, `value ${value} at index ${channels >= 3 ? i + c : i} is outside 0..255 (an image tensor holds 0..255 values, not normalized ones)`);
      }
      out[p * 3 + c] = Math.round(value);
    }
  }
  return { width, height, data: out };
}
