import type { RgbImage } from '@mobilenet-kit/image';
import { FaceOptionError, checkKnownOptions } from '../errors';

/** How far each augmentation may go. The issue asks for flip, small shifts and scales, brightness and contrast. */
export interface FaceAugmentOptions {
  /** Probability of a horizontal flip. Default 0.5. */
  flip?: number;
  /** Largest shift, as a fraction of the crop side, each axis. Default 0.05. */
  shift?: number;
  /** Largest relative zoom in or out (0.1: 0.9×…1.1×). Default 0.1. */
  scale?: number;
  /** Largest brightness change, in levels of 255 (added). Default 25. */
  brightness?: number;
  /** Largest relative contrast change around the crop's mean (0.2: 0.8×…1.2×). Default 0.2. */
  contrast?: number;
}

export const FACE_AUGMENT_DEFAULTS: Readonly<Required<FaceAugmentOptions>> = Object.freeze({ flip: 0.5, shift: 0.05, scale: 0.1, brightness: 25, contrast: 0.2 });

/** The drawn parameters of one augmentation, so that a test or a log can say what was applied. */
export interface FaceAugmentation {
  readonly flipped: boolean;
  /** Shift as a fraction of the output side, x and y (so one augmentation fits any output size). */
  readonly dx: number;
  readonly dy: number;
  /** Zoom factor (> 1 zooms in). */
  readonly zoom: number;
  readonly brightness: number;
  readonly contrast: number;
  /**
   * When set, the crop is first reduced to `lowRes`×`lowRes` (box average)
   * and, with `gray`, to its luma: a real photo's face rendered as
   * scikit-image's lfw_subset faces are (25×25 gray patches, upsampled).
   */
  readonly lowRes?: number;
  readonly gray?: boolean;
}

/** Box-average reduction of a crop to `side`×`side`, optionally to gray (ITU-R BT.601 luma, replicated in R, G, B). */
export function reduceCrop(crop: RgbImage, side: number, gray = false): RgbImage {
  if (!Number.isInteger(side) || side < 1) throw new FaceOptionError('reduceCrop', 'side', side, 'expected an integer ≥ 1');
  const { width: w, height: h, data } = crop;
  const out = new Uint8Array(side * side * 3);
  for (let j = 0; j < side; j++) {
    const y0 = Math.floor((j * h) / side);
    const y1 = Math.max(y0 + 1, Math.floor(((j + 1) * h) / side));
    for (let i = 0; i < side; i++) {
      const x0 = Math.floor((i * w) / side);
      const x1 = Math.max(x0 + 1, Math.floor(((i + 1) * w) / side));
      const sum = [0, 0, 0];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c]! += data[(y * w + x) * 3 + c]!;
      const n = (y1 - y0) * (x1 - x0);
      const rgb = sum.map((v) => v / n);
      const luma = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
      for (let c = 0; c < 3; c++) out[(j * side + i) * 3 + c] = Math.round(gray ? luma : rgb[c]!);
    }
  }
  return { width: side, height: side, data: out };
}

/** Draws one augmentation from `random` (uniform in [0, 1)). */
export function drawAugmentation(random: () => number, options: FaceAugmentOptions = {}): FaceAugmentation {
  const where = 'drawAugmentation';
  checkKnownOptions(where, options, Object.keys(FACE_AUGMENT_DEFAULTS));
  const o = { ...FACE_AUGMENT_DEFAULTS, ...options };
  for (const [key, value] of Object.entries(o)) {
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) throw new FaceOptionError(where, key, value, 'expected a finite number ≥ 0');
  }
  if (o.flip > 1 || o.scale >= 1 || o.contrast >= 1) throw new FaceOptionError(where, 'flip/scale/contrast', [o.flip, o.scale, o.contrast], 'flip must be ≤ 1, scale and contrast < 1');
  const symmetric = (range: number) => (2 * random() - 1) * range;
  return {
    flipped: random() < o.flip,
    dx: symmetric(o.shift),
    dy: symmetric(o.shift),
    zoom: 1 + symmetric(o.scale),
    brightness: symmetric(o.brightness),
    contrast: 1 + symmetric(o.contrast),
  };
}

/**
 * Applies an augmentation to a square crop and resamples it to `size`×`size`
 * (bilinear; samples outside the crop take the nearest edge pixel): flip,
 * zoom about the center and shift, then contrast about the crop's mean and
 * brightness, rounded and clamped to 0…255. `lowRes`/`gray` reduce the crop
 * first (reduceCrop).
 */
export function applyAugmentation(source: RgbImage, a: FaceAugmentation, size: number): RgbImage {
  if (!Number.isInteger(size) || size < 1) throw new FaceOptionError('applyAugmentation', 'size', size, 'expected an integer ≥ 1');
  const crop = a.lowRes !== undefined ? reduceCrop(source, a.lowRes, a.gray === true) : a.gray ? reduceCrop(source, source.width, true) : source;
  const { width: w, height: h, data } = crop;
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i]!;
  mean /= data.length;
  const out = new Uint8Array(size * size * 3);
  // Output pixel center (u, v) → crop coordinates: undo the shift, then the zoom about the center, then the flip.
  const sx = w / size / a.zoom;
  const sy = h / size / a.zoom;
  const at = (x: number, y: number, c: number) => data[(Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))) * 3 + c]!;
  for (let v = 0; v < size; v++) {
    const y = (v + 0.5 - size / 2 - a.dy * size) * sy + h / 2 - 0.5;
    const y0 = Math.floor(y);
    const fy = y - y0;
    for (let u = 0; u < size; u++) {
      let x = (u + 0.5 - size / 2 - a.dx * size) * sx + w / 2 - 0.5;
      if (a.flipped) x = w - 1 - x;
      const x0 = Math.floor(x);
      const fx = x - x0;
      for (let c = 0; c < 3; c++) {
        const top = at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx;
        const bottom = at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx;
        const value = (top * (1 - fy) + bottom * fy - mean) * a.contrast + mean + a.brightness;
        out[(v * size + u) * 3 + c] = Math.min(255, Math.max(0, Math.round(value)));
      }
    }
  }
  return { width: size, height: size, data: out };
}
