import { measureText, rasterizeText } from './bitmap-font';
import type { Box, RgbImage } from './types';

export type Rgb = readonly [number, number, number];

export interface Detection {
  /** In the image's pixels. */
  box: Box;
  score?: number;
  label?: string;
  /** This detection's colour, instead of `options.color`. */
  color?: Rgb | string;
}

export interface DrawOptions {
  /** Box and label background colour: `[r, g, b]` or `'#rrggbb'`. Default `[0, 255, 0]`. */
  color?: Rgb | string;
  /** Outline thickness in pixels, drawn inside the box. Default: 1 per 300 pixels of the shorter side, at least 1. */
  lineWidth?: number;
  /** Integer scale of the 5×7 font (7·fontScale pixels tall). Default: 1 per 400 pixels of the shorter side, at least 1. */
  fontScale?: number;
}

/**
 * Draws boxes and "label 0.93" captions onto a copy of an image (the input
 * is left unchanged). The caption sits on a filled bar above the box, or
 * inside its top edge when there is no room above; text is black or white,
 * whichever reads better on the bar. Boxes are clipped to the image.
 */
export function drawDetections(image: RgbImage, detections: readonly Detection[], options: DrawOptions = {}): RgbImage {
  const { width, height } = image;
  if (image.data.length !== width * height * 3) {
    throw new RangeError(`drawDetections: image ${width}×${height} holds ${image.data.length} bytes, expected ${width * height * 3}`);
  }
  const color = parseColor(options.color ?? [0, 255, 0]);
  const shorter = Math.min(width, height);
  const lineWidth = positiveInteger('lineWidth', options.lineWidth ?? Math.max(1, Math.round(shorter / 300)));
  const fontScale = positiveInteger('fontScale', options.fontScale ?? Math.max(1, Math.round(shorter / 400)));
  const data = new Uint8Array(image.data);
  const fill = (x0: number, y0: number, x1: number, y1: number, rgb: Rgb) => {
    const left = Math.max(0, x0);
    const top = Math.max(0, y0);
    const right = Math.min(width, x1);
    const bottom = Math.min(height, y1);
    for (let y = top; y < bottom; y++) {
      for (let x = left, i = (y * width + left) * 3; x < right; x++, i += 3) {
        data[i] = rgb[0];
        data[i + 1] = rgb[1];
        data[i + 2] = rgb[2];
      }
    }
  };

  for (const [index, detection] of detections.entries()) {
    const { x, y, width: w, height: h } = detection.box ?? ({} as Box);
    if (![x, y, w, h].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new RangeError(`drawDetections: detection ${index} has no finite box { x, y, width, height }: ${JSON.stringify(detection.box)}`);
    }
    // Pixel edges of the box, clipped; the outline grows inward from them.
    const x0 = clamp(Math.round(x), 0, width);
    const y0 = clamp(Math.round(y), 0, height);
    const x1 = clamp(Math.round(x + w), 0, width);
    const y1 = clamp(Math.round(y + h), 0, height);
    if (x1 <= x0 || y1 <= y0) continue;
    const boxColor = detection.color === undefined ? color : parseColor(detection.color);
    const t = Math.min(lineWidth, Math.ceil((x1 - x0) / 2), Math.ceil((y1 - y0) / 2));
    fill(x0, y0, x1, y0 + t, boxColor);
    fill(x0, y1 - t, x1, y1, boxColor);
    fill(x0, y0, x0 + t, y1, boxColor);
    fill(x1 - t, y0, x1, y1, boxColor);

    const boxTextColor = readableTextColor(boxColor);
    const caption = captionOf(detection);
    if (!caption) continue;
    const text = measureText(caption, fontScale);
    const padding = fontScale;
    const barHeight = text.height + 2 * padding;
    const barTop = y0 - barHeight >= 0 ? y0 - barHeight : y0;
    const barLeft = clamp(x0, 0, Math.max(0, width - (text.width + 2 * padding)));
    fill(barLeft, barTop, barLeft + text.width + 2 * padding, barTop + barHeight, boxColor);
    rasterizeText(caption, barLeft + padding, barTop + padding, fontScale, (px, py) => {
      if (px < 0 || py < 0 || px >= width || py >= height) return;
      const i = (py * width + px) * 3;
      data[i] = boxTextColor[0];
      data[i + 1] = boxTextColor[1];
      data[i + 2] = boxTextColor[2];
    });
  }
  return { width, height, data };
}

/** Black on light colours, white on dark ones (Rec. 601 luma). */
function readableTextColor(color: Rgb): Rgb {
  return 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2] > 140 ? [0, 0, 0] : [255, 255, 255];
}

/** "face 0.93", "face", or "0.93". */
export function captionOf(detection: Detection): string {
  const parts: string[] = [];
  if (detection.label) parts.push(detection.label);
  if (typeof detection.score === 'number' && Number.isFinite(detection.score)) parts.push(detection.score.toFixed(2));
  return parts.join(' ');
}

export function parseColor(color: Rgb | string): Rgb {
  if (typeof color === 'string') {
    const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim());
    if (!match) throw new RangeError(`drawDetections: color must be '#rrggbb' or [r, g, b], got ${JSON.stringify(color)}`);
    return [Number.parseInt(match[1]!, 16), Number.parseInt(match[2]!, 16), Number.parseInt(match[3]!, 16)];
  }
  if (!Array.isArray(color) || color.length !== 3 || !color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new RangeError(`drawDetections: color must be [r, g, b] with integers 0..255, got ${JSON.stringify(color)}`);
  }
  return color as Rgb;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`drawDetections: ${name} must be a positive integer, got ${value}`);
  return value;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
