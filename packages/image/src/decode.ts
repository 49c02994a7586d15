import { decodeBytesInBrowser, decodeDrawable, imageDataToRgb } from './decode-browser';
import { decodeWithSharp } from './decode-node';
import { isNode } from './environment';
import { ImageError, resolveMaxPixels } from './errors';
import { describeValue, rawPixelsToRgb } from './raw-pixels';
import { classifySource, describeSource } from './source-kind';
import { checkSvgPolicy } from './svg-policy';
import { tensorToRgb } from './tensor-input';
import type { DecodeOptions, ImageSource, RgbImage } from './types';

/**
 * Turns any supported source into 8-bit RGB: file paths and encoded bytes
 * through sharp in Node (bytes through createImageBitmap in browsers), DOM
 * images through a canvas, raw buffers and tensors everywhere. Errors are
 * `ImageError`s whose message starts with the source.
 */
export async function decodeImage(source: ImageSource, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = resolveMaxPixels(options.maxPixels);
  const classified = classifySource(source);
  const label = describeSource(classified);
  switch (classified.kind) {
    case 'path':
      if (!isNode()) {
        throw new ImageError(label, 'file paths can only be read in Node; in a browser pass an <img>, ImageBitmap, canvas, ImageData or the file\'s bytes');
      }
      return decodeWithSharp(classified.path, label, maxPixels, options.allowSvg === true);
    case 'bytes':
      if (isNode()) return decodeWithSharp(classified.bytes, label, maxPixels, options.allowSvg === true);
      if (classified.bytes.byteLength > 0) checkSvgPolicy(classified.bytes, label, options.allowSvg === true);
      return decodeBytesInBrowser(classified.bytes, label, maxPixels);
    case 'raw':
      return rawPixelsToRgb(label, classified.raw, maxPixels);
    case 'imageData':
      return imageDataToRgb(classified.imageData, label, maxPixels);
    case 'drawable':
      return decodeDrawable(classified.drawable, label, maxPixels);
    case 'tensor':
      return tensorToRgb(label, classified.tensor, maxPixels);
    case 'unknown':
      throw new ImageError(
        label,
        `unsupported source ${describeValue(classified.value)}: expected a file path, encoded bytes (Uint8Array), { width, height, channels, data }, ImageData, an <img>, a canvas, an ImageBitmap or a tensor [h, w, c]`,
      );
  }
}
