import { ImageError, checkImageSize } from './errors';
import { importAtRunTime } from './environment';
import { loadSharp } from './sharp-loader';
import { checkSvgPolicy } from './svg-policy';
import type { RgbImage } from './types';

type FsPromises = typeof import('node:fs/promises');

/**
 * Decodes a file path or encoded bytes with sharp (Node). The size is checked
 * from the header (sharp's metadata) before any pixel is decoded; then
 * `rotate()` applies the EXIF orientation, `removeAlpha()` drops alpha,
 * `toColourspace('srgb')` turns grey, palette, CMYK and 16-bit images into
 * 8-bit sRGB (16-bit samples keep their high byte).
 */
export async function decodeWithSharp(path: string | Uint8Array, source: string, maxPixels: number, allowSvg = false): Promise<RgbImage> {
  // Files are read here, after a stat that refuses FIFOs, sockets, devices and folders, so that
  // the SVG policy sees the content and sharp never opens a path itself.
  const input = typeof path === 'string' ? await readImageFile(path, source) : path;
  if (input.byteLength === 0) throw new ImageError(source, 'no bytes to decode (empty buffer)');
  checkSvgPolicy(input, source, allowSvg);
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

/** What a path is when it is not a regular file, for messages. */
function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a file';
}

function fsProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'is a symbolic link loop';
  return `cannot read the file (${(error as Error).message})`;
}

/** Reads an image file after checking that it is a regular, non-empty file. */
async function readImageFile(path: string, source: string): Promise<Uint8Array> {
  const fs = await importAtRunTime<FsPromises>('node:fs/promises');
  let stats: Awaited<ReturnType<FsPromises['stat']>>;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    throw new ImageError(source, fsProblem(error), { cause: error });
  }
  if (!stats.isFile()) throw new ImageError(source, `is not a regular file (${kindOf(stats)})`);
  if (stats.size === 0) throw new ImageError(source, 'file is empty (0 bytes)');
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw new ImageError(source, fsProblem(error), { cause: error });
  }
}

/** sharp/libvips messages, rephrased where the user needs a hint, with the original kept (repeated lines once). */
export function explainSharpError(error: unknown): string {
  const message = String((error as Error)?.message ?? error).trim();
  const lines = [...new Set(message.split('\n').map((line) => line.trim()).filter(Boolean))];
  const original = lines.join('; ');
  if (/unsupported image format/i.test(message)) {
    return `not an image in a format sharp can decode (JPEG, PNG, WebP, GIF, TIFF, AVIF; SVG only with allowSvg) [sharp: ${original}]`;
  }
  if (/premature end|truncated|corrupt|bogus|not enough data|unexpected end|read error|invalid/i.test(message)) {
    return `corrupt or truncated image data [sharp: ${original}]`;
  }
  if (/exceeds pixel limit/i.test(message)) return `image larger than the pixel limit [sharp: ${original}]`;
  return `sharp: ${original}`;
}
