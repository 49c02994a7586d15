import type { Box, RgbImage } from '@mobilenet-kit/image';
import type { GroundTruthObject } from '../evaluate/evaluate-detections';

/**
 * SSD's data augmentation (Liu et al. 2016, section 2.2 "Data augmentation"; TF-OD's
 * ssd_mobilenet_v1 config: ssd_random_crop, random_horizontal_flip, and for small objects
 * the "zoom out" expansion), on 8-bit RGB images with boxes in pixels. Every draw comes from
 * `random`, so a seeded generator gives the same image and boxes again.
 */
export interface SsdAugmentOptions {
  /** Photometric distortion (brightness ±32, contrast and saturation ×[0.5, 1.5], random order of the last two). Default true. */
  readonly photometric?: boolean;
  /** Probability of zooming out: the image on a canvas up to `maxExpand` times larger, filled with the image's mean colour. Default 0.5, up to 3×. */
  readonly expandProbability?: number;
  readonly maxExpand?: number;
  /** Minimum-IoU random crop: one of these minimum IoUs (null: keep the whole image) is drawn, then up to 50 crops are tried. */
  readonly minIous?: readonly (number | null)[];
  /** Horizontal flip probability. Default 0.5. */
  readonly flipProbability?: number;
}

const MIN_IOUS: readonly (number | null)[] = [null, 0.1, 0.3, 0.5, 0.7, 0.9];

export interface AugmentedImage {
  readonly image: RgbImage;
  readonly objects: readonly GroundTruthObject[];
}

function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const ih = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

function photometric(image: RgbImage, random: () => number): RgbImage {
  const data = new Float32Array(image.data);
  const brightness = random() < 0.5 ? (random() * 2 - 1) * 32 : 0;
  const contrast = random() < 0.5 ? 0.5 + random() : 1;
  const saturation = random() < 0.5 ? 0.5 + random() : 1;
  const contrastFirst = random() < 0.5;
  const applyContrast = () => {
    if (contrast !== 1) for (let i = 0; i < data.length; i++) data[i] = (data[i]! - 127.5) * contrast + 127.5;
  };
  const applySaturation = () => {
    if (saturation === 1) return;
    for (let i = 0; i < data.length; i += 3) {
      const gray = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      for (let c = 0; c < 3; c++) data[i + c] = gray + (data[i + c]! - gray) * saturation;
    }
  };
  for (let i = 0; i < data.length; i++) data[i] = data[i]! + brightness;
  if (contrastFirst) applyContrast();
  applySaturation();
  if (!contrastFirst) applyContrast();
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.round(clampByte(data[i]!));
  return { width: image.width, height: image.height, data: out };
}

function expand(image: RgbImage, objects: readonly GroundTruthObject[], ratio: number, random: () => number): AugmentedImage {
  const width = Math.round(image.width * ratio);
  const height = Math.round(image.height * ratio);
  const left = Math.floor(random() * (width - image.width + 1));
  const top = Math.floor(random() * (height - image.height + 1));
  const mean = [0, 0, 0];
  for (let i = 0; i < image.data.length; i++) mean[i % 3]! += image.data[i]!;
  const n = image.width * image.height;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(mean[i % 3]! / n);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + top) * width + left) * 3);
  return { image: { width, height, data }, objects: objects.map((o) => ({ ...o, box: { ...o.box, x: o.box.x + left, y: o.box.y + top } })) };
}

function crop(image: RgbImage, objects: readonly GroundTruthObject[], minIous: readonly (number | null)[], random: () => number): AugmentedImage {
  const choice = minIous[Math.floor(random() * minIous.length)] ?? null;
  if (choice === null || objects.length === 0) return { image, objects };
  for (let trial = 0; trial < 50; trial++) {
    const w = Math.max(1, Math.round(image.width * (0.3 + 0.7 * random())));
    const h = Math.max(1, Math.round(image.height * (0.3 + 0.7 * random())));
    if (h / w < 0.5 || h / w > 2) continue;
    const x = Math.floor(random() * (image.width - w + 1));
    const y = Math.floor(random() * (image.height - h + 1));
    const rect = { x, y, width: w, height: h };
    if (Math.min(...objects.map((o) => iou(o.box, rect))) < choice) continue;
    // Keep the objects whose centre lies in the crop, clipped to it (SSD's rule).
    const kept = objects.filter((o) => {
      const cx = o.box.x + o.box.width / 2;
      const cy = o.box.y + o.box.height / 2;
      return cx > x && cx < x + w && cy > y && cy < y + h;
    });
    if (kept.length === 0) continue;
    const data = new Uint8Array(w * h * 3);
    for (let r = 0; r < h; r++) data.set(image.data.subarray(((r + y) * image.width + x) * 3, ((r + y) * image.width + x + w) * 3), r * w * 3);
    return {
      image: { width: w, height: h, data },
      objects: kept.map((o) => {
        const x0 = Math.max(o.box.x, x) - x;
        const y0 = Math.max(o.box.y, y) - y;
        const x1 = Math.min(o.box.x + o.box.width, x + w) - x;
        const y1 = Math.min(o.box.y + o.box.height, y + h) - y;
        return { ...o, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } };
      }),
    };
  }
  return { image, objects };
}

function flip(image: RgbImage, objects: readonly GroundTruthObject[]): AugmentedImage {
  const { width, height } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = (y * width + (width - 1 - x)) * 3;
      data[d] = image.data[s]!;
      data[d + 1] = image.data[s + 1]!;
      data[d + 2] = image.data[s + 2]!;
    }
  }
  return { image: { width, height, data }, objects: objects.map((o) => ({ ...o, box: { ...o.box, x: width - o.box.x - o.box.width } })) };
}

/** Photometric distortion, zoom-out, minimum-IoU crop, flip — in SSD's order — with boxes moved along. */
export function augmentSsd(image: RgbImage, objects: readonly GroundTruthObject[], random: () => number, options: SsdAugmentOptions = {}): AugmentedImage {
  let out: AugmentedImage = { image, objects };
  if (options.photometric ?? true) out = { image: photometric(out.image, random), objects: out.objects };
  if (random() < (options.expandProbability ?? 0.5)) out = expand(out.image, out.objects, 1 + random() * ((options.maxExpand ?? 3) - 1), random);
  out = crop(out.image, out.objects, options.minIous ?? MIN_IOUS, random);
  if (random() < (options.flipProbability ?? 0.5)) out = flip(out.image, out.objects);
  return out;
}
