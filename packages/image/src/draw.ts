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
  /** Integer scale of the 5×7 font (7·fontScale pixels tall). Default defaultFontScale: 1 per 280 pixels of the shorter side, at least 1; a caption with no room at this scale tries smaller ones. */
  fontScale?: number;
}

/** A caption's filled bar, in the image's pixels (right and bottom exclusive). */
export interface LabelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A caption's bar and the font scale its text is drawn at (the bar is the text plus one scale unit on each side). */
export interface PlacedLabel extends LabelRect {
  readonly fontScale: number;
}

/** Where drawDetections puts each caption: one entry per detection, undefined when it has none or no room is left. */
export interface LabelLayout {
  readonly fontScale: number;
  readonly labels: readonly (PlacedLabel | undefined)[];
}

/** The default font scale: 7-pixel glyphs up to 280 pixels on the shorter side, then one step per 280 (a 1920×1280 photo gets scale 5, 35-pixel text). */
export function defaultFontScale(width: number, height: number): number {
  return Math.max(1, Math.round(Math.min(width, height) / 280));
}

function overlaps(a: LabelRect, b: LabelRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function intersection(a: LabelRect, b: LabelRect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Places each caption's bar so that no two bars overlap and none leaves the
 * image. Candidates, in order of preference: above the box, inside its top
 * edge, below it, inside its bottom edge, then further up and down the box's
 * side in half-bar steps; each left-aligned with the box, then right-aligned,
 * shifted inside the image. Among the candidates that are inside the image
 * and clear of the bars already placed, the first that covers the least of
 * the other boxes wins. A caption wider than the image, or with no free
 * place, tries the next smaller font scale and is left out (undefined) at
 * scale 1 — never drawn over another. Detections are placed by descending
 * score (the most confident get the best places).
 */
export function layoutLabels(width: number, height: number, detections: readonly Detection[], fontScale = defaultFontScale(width, height)): LabelLayout {
  const boxes = detections.map((d) => pixelBox(d.box, width, height));
  const order = detections.map((_, i) => i).sort((a, b) => (detections[b]!.score ?? 0) - (detections[a]!.score ?? 0) || a - b);
  const placed: LabelRect[] = [];
  const labels: (PlacedLabel | undefined)[] = detections.map(() => undefined);
  for (const index of order) {
    const caption = captionOf(detections[index]!);
    const box = boxes[index];
    if (!caption || !box) continue;
    for (let scale = fontScale; scale >= 1; scale--) {
      const text = measureText(caption, scale);
      const w = text.width + 2 * scale;
      const h = text.height + 2 * scale;
      if (w > width || h > height) continue;
      const rect = bestPlace(box, w, h, width, height, placed, boxes, index);
      if (rect) {
        placed.push(rect);
        labels[index] = { ...rect, fontScale: scale };
        break;
      }
    }
  }
  return { fontScale, labels };
}

function bestPlace(
  box: LabelRect,
  w: number,
  h: number,
  width: number,
  height: number,
  placed: readonly LabelRect[],
  boxes: readonly (LabelRect | undefined)[],
  self: number,
): LabelRect | undefined {
  const top = box.y;
  const bottom = box.y + box.height;
  const ys = [top - h, top, bottom, bottom - h];
  const step = Math.max(1, Math.floor(h / 2));
  for (let k = 1; top - h - k * step >= -h || bottom + k * step <= height; k++) ys.push(top - h - k * step, bottom + k * step);
  const xs = [box.x, box.x + box.width - w];
  let best: LabelRect | undefined;
  let bestCover = Number.POSITIVE_INFINITY;
  for (const y0 of ys) {
    if (y0 < 0 || y0 + h > height) continue;
    for (const x0 of xs) {
      const rect = { x: clamp(x0, 0, width - w), y: y0, width: w, height: h };
      if (placed.some((p) => overlaps(p, rect))) continue;
      const cover = boxes.reduce((sum, b, i) => sum + (i !== self && b ? intersection(b, rect) : 0), 0);
      if (cover === 0) return rect;
      if (cover < bestCover) {
        best = rect;
        bestCover = cover;
      }
    }
  }
  return best;
}

/** The box's pixel edges, clipped to the image; undefined when nothing of it is inside. */
function pixelBox(box: Box, width: number, height: number): LabelRect | undefined {
  const x0 = clamp(Math.round(box.x), 0, width);
  const y0 = clamp(Math.round(box.y), 0, height);
  const x1 = clamp(Math.round(box.x + box.width), 0, width);
  const y1 = clamp(Math.round(box.y + box.height), 0, height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/**
 * Draws boxes and "label 0.93" captions onto a copy of an image (the input
 * is left unchanged). Boxes first, then every caption on a filled bar placed
 * by layoutLabels: never over another caption, never outside the image
 * (a caption with no room left is not drawn). Text is black or white,
 * whichever reads better on the bar; its size follows the image
 * (defaultFontScale). Boxes are clipped to the image.
 */
export function drawDetections(image: RgbImage, detections: readonly Detection[], options: DrawOptions = {}): RgbImage {
  const { width, height } = image;
  if (image.data.length !== width * height * 3) {
    throw new RangeError(`drawDetections: image ${width}×${height} holds ${image.data.length} bytes, expected ${width * height * 3}`);
  }
  const color = parseColor(options.color ?? [0, 255, 0]);
  const shorter = Math.min(width, height);
  const lineWidth = positiveInteger('lineWidth', options.lineWidth ?? Math.max(1, Math.round(shorter / 300)));
  const fontScale = positiveInteger('fontScale', options.fontScale ?? defaultFontScale(width, height));
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

  const colors = detections.map((detection, index) => {
    const { x, y, width: w, height: h } = detection.box ?? ({} as Box);
    if (![x, y, w, h].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new RangeError(`drawDetections: detection ${index} has no finite box { x, y, width, height }: ${JSON.stringify(detection.box)}`);
    }
    return detection.color === undefined ? color : parseColor(detection.color);
  });
  for (const [index, detection] of detections.entries()) {
    const box = pixelBox(detection.box, width, height);
    if (!box) continue;
    const { x: x0, y: y0 } = box;
    const x1 = x0 + box.width;
    const y1 = y0 + box.height;
    const boxColor = colors[index]!;
    const t = Math.min(lineWidth, Math.ceil((x1 - x0) / 2), Math.ceil((y1 - y0) / 2));
    fill(x0, y0, x1, y0 + t, boxColor);
    fill(x0, y1 - t, x1, y1, boxColor);
    fill(x0, y0, x0 + t, y1, boxColor);
    fill(x1 - t, y0, x1, y1, boxColor);
  }
  const layout = layoutLabels(width, height, detections, fontScale);
  for (const [index, detection] of detections.entries()) {
    const rect = layout.labels[index];
    if (!rect) continue;
    const boxColor = colors[index]!;
    const textColor = readableTextColor(boxColor);
    const scale = rect.fontScale;
    fill(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height, boxColor);
    rasterizeText(captionOf(detection), rect.x + scale, rect.y + scale, scale, (px, py) => {
      if (px < 0 || py < 0 || px >= width || py >= height) return;
      const i = (py * width + px) * 3;
      data[i] = textColor[0];
      data[i + 1] = textColor[1];
      data[i + 2] = textColor[2];
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
