import { ImageError, checkImageSize } from './errors';
import { rawPixelsToRgb } from './raw-pixels';
import type { RgbImage } from './types';

/** Anything `drawImage` takes that we accept: an <img>, a canvas, an OffscreenCanvas, an ImageBitmap. */
export type Drawable = HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap;

interface Canvas2D {
  drawImage(image: Drawable, dx: number, dy: number): void;
  getImageData(sx: number, sy: number, sw: number, sh: number): { data: Uint8ClampedArray; width: number; height: number };
}

/** The drawable's pixel size; an <img> that has not loaded (or failed to) is 0×0. */
export function drawableSize(drawable: Drawable): { width: number; height: number } {
  if (typeof HTMLImageElement !== 'undefined' && drawable instanceof HTMLImageElement) {
    return { width: drawable.naturalWidth, height: drawable.naturalHeight };
  }
  return { width: drawable.width, height: drawable.height };
}

/**
 * Reads a browser image into RGB: waits for an <img> to finish loading,
 * draws it onto an OffscreenCanvas (or a detached <canvas>) and reads the
 * pixels back with getImageData (alpha dropped; the browser applies EXIF
 * orientation when it decodes, `image-orientation: from-image` being the
 * default). Drawing also handles canvases that hold a WebGL context.
 */
export async function decodeDrawable(drawable: Drawable, source: string, maxPixels: number): Promise<RgbImage> {
  if (typeof HTMLImageElement !== 'undefined' && drawable instanceof HTMLImageElement && !drawable.complete) {
    try {
      await drawable.decode();
    } catch (error) {
      throw new ImageError(source, `the image failed to load or decode (${(error as Error).message})`, { cause: error });
    }
  }
  const { width, height } = drawableSize(drawable);
  if (width === 0 || height === 0) {
    throw new ImageError(source, `image is ${width}×${height}: not loaded, broken, or empty`);
  }
  checkImageSize(source, width, height, maxPixels);
  const context = createCanvas2D(width, height, source);
  context.drawImage(drawable, 0, 0);
  const pixels = context.getImageData(0, 0, width, height);
  return rawPixelsToRgb(source, { width, height, channels: 4, data: pixels.data }, maxPixels);
}

/** A 2D context on a fresh canvas: OffscreenCanvas where there is one (workers too), else a detached <canvas>. */
export function createCanvas2D(width: number, height: number, source: string): Canvas2D {
  let canvas: OffscreenCanvas | HTMLCanvasElement;
  if (typeof OffscreenCanvas !== 'undefined') canvas = new OffscreenCanvas(width, height);
  else if (typeof document !== 'undefined') {
    canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  } else {
    throw new ImageError(source, 'no canvas here (neither OffscreenCanvas nor document): browser images need a browser or a worker');
  }
  const context = canvas.getContext('2d', { willReadFrequently: true }) as Canvas2D | null;
  if (!context) throw new ImageError(source, `could not get a 2D context on a ${width}×${height} canvas`);
  return context;
}

/** Encoded bytes in a browser: decoded by createImageBitmap (EXIF orientation applied), then read like any drawable. */
export async function decodeBytesInBrowser(bytes: Uint8Array, source: string, maxPixels: number): Promise<RgbImage> {
  if (typeof createImageBitmap === 'undefined') throw new ImageError(source, 'cannot decode bytes here: no createImageBitmap (and not Node, so no sharp)');
  if (bytes.byteLength === 0) throw new ImageError(source, 'no bytes to decode (empty buffer)');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { imageOrientation: 'from-image' });
  } catch (error) {
    throw new ImageError(source, `the browser cannot decode these bytes as an image (${(error as Error).message})`, { cause: error });
  }
  try {
    return await decodeDrawable(bitmap, source, maxPixels);
  } finally {
    bitmap.close();
  }
}

/** ImageData (RGBA, unpremultiplied) needs no canvas: its alpha is dropped like any raw RGBA buffer's. */
export function imageDataToRgb(imageData: { width: number; height: number; data: Uint8ClampedArray }, source: string, maxPixels: number): RgbImage {
  return rawPixelsToRgb(source, { width: imageData.width, height: imageData.height, channels: 4, data: imageData.data }, maxPixels);
}
