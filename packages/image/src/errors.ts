/**
 * An image that cannot be read, converted or written. The message starts with
 * the source (file path, byte count, raw buffer or element kind) and then says
 * what is wrong; `source` holds that description for tools.
 */
export class ImageError extends Error {
  readonly source: string;

  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super(`${source}: ${problem}`, options);
    this.name = 'ImageError';
    this.source = source;
  }
}

export const DEFAULT_MAX_PIXELS = 50e6;

/** Checks the pixel count against `maxPixels` and for an empty image; `source` names the input in the message. */
export function checkImageSize(source: string, width: number, height: number, maxPixels: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new ImageError(source, `invalid size ${width}×${height} (width and height must be positive integers)`);
  }
  if (width === 0 || height === 0) throw new ImageError(source, `image is ${width}×${height}: it has no pixels`);
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new ImageError(
      source,
      `image is ${width}×${height} = ${pixels} pixels, more than maxPixels ${maxPixels} (pass a larger decodeImage({ maxPixels }) to accept it; CLI: --max-pixels)`,
    );
  }
}

/** The environment variable that sets a process's default maxPixels (the CLI's global --max-pixels sets it). */
export const MAX_PIXELS_ENV = 'MOBILENET_KIT_MAX_PIXELS';

/** maxPixels when decodeImage is given none: MOBILENET_KIT_MAX_PIXELS (a positive integer), else DEFAULT_MAX_PIXELS. */
export function defaultMaxPixels(): number {
  const raw = typeof process !== 'undefined' ? process.env?.[MAX_PIXELS_ENV] : undefined;
  const n = raw ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_PIXELS;
}

export function resolveMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return defaultMaxPixels();
  if (typeof maxPixels !== 'number' || !(maxPixels > 0)) {
    throw new RangeError(`decodeImage: maxPixels must be a positive number, got ${String(maxPixels)}`);
  }
  return maxPixels;
}
