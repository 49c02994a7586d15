import { ImageError, checkImageSize } from './errors';
import { importAtRunTime } from './environment';
import { loadSharp } from './sharp-loader';
import type { RgbImage } from './types';

type FsPromises = typeof import('node:fs/promises');

/**
 * Decodes a file path or encoded bytes with sharp (Node). The size is checked
 * from the header (sharp's metadata) before any pixel is decoded; then
 * `rotate()` applies the EXIF orientation, `removeAlpha()` drops alpha,
 * `toColourspace('srgb')` turns grey, palette, CMYK and 16-bit images into
 * 8-bit sRGB (16-bit samples keep their high byte).
 */
export async function decodeWithSharp(input: string | Uint8Array, source: string, maxPixels: number): Promise<RgbImage> {
  if (typeof input === 'string') await checkReadableFile(input, source);
  else if (input.byteLength === 0) throw new ImageError(source, 'no bytes to decode (empty buffer)');
  const sharp = await loadSharp(source);

  let header: { width?: number; height?: number; format?: string };
  try {
    // The header only: limitInputPixels is ours to enforce, with a better message.
    header = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError(source, explainSharpError(error), { cause: error });
  }
  const format = header.format ? `${header.format.toUpperCase()} ` : '';
  if (header.width === undefined || header.height === undefined) {
    throw new ImageError(source, `${format}header has no width and height`);
  }
  checkImageSize(source, header.width, header.height, maxPixels);

  let decoded: { data: Uint8Array; info: { width: number; height: number; channels: number } };
  try {
    // failOn 'error': truncated or corrupt data fails, benign warnings (extra bytes after EOI…) do not.
    const limitInputPixels = Number.isFinite(maxPixels) ? Math.max(1, Math.floor(maxPixels)) : false;
    decoded = await sharp(input, { limitInputPixels, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new ImageError(source, `cannot decode the ${format}image: ${explainSharpError(error)}`, { cause: error });
  }
  const { data, info } = decoded;
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new ImageError(source, `sharp returned ${info.channels} channels (${data.length} bytes for ${info.width}×${info.height}), expected 8-bit RGB`);
  }
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

async function checkReadableFile(path: string, source: string): Promise<void> {
  const fs = await importAtRunTime<FsPromises>('node:fs/promises');
  let stats: Awaited<ReturnType<FsPromises['stat']>>;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ImageError(source, code === 'ENOENT' ? 'no such file' : `cannot read the file (${(error as Error).message})`, { cause: error });
  }
  if (stats.isDirectory()) throw new ImageError(source, 'is a directory, not an image file');
  if (stats.size === 0) throw new ImageError(source, 'file is empty (0 bytes)');
}

/** sharp/libvips messages, rephrased where the user needs a hint, with the original kept (repeated lines once). */
export function explainSharpError(error: unknown): string {
  const message = String((error as Error)?.message ?? error).trim();
  const lines = [...new Set(message.split('\n').map((line) => line.trim()).filter(Boolean))];
  const original = lines.join('; ');
  if (/unsupported image format/i.test(message)) {
    return `not an image in a format sharp can decode (JPEG, PNG, WebP, GIF, TIFF, AVIF, SVG…) [sharp: ${original}]`;
  }
  if (/premature end|truncated|corrupt|bogus|not enough data|unexpected end|read error|invalid/i.test(message)) {
    return `corrupt or truncated image data [sharp: ${original}]`;
  }
  if (/exceeds pixel limit/i.test(message)) return `image larger than the pixel limit [sharp: ${original}]`;
  return `sharp: ${original}`;
}
