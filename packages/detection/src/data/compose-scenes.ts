import { deriveSeed, mulberry32 } from '@mobilenet-kit/core';
import { type RgbImage, resizeBilinear } from '@mobilenet-kit/image';
import type { GroundTruthObject } from '../evaluate/evaluate-detections';
import { DetectionOptionError } from '../errors';

/** A grayscale object cut-out: pixels above `threshold` are the object (Fashion-MNIST items: 28×28, dark background). */
export interface ObjectSprite {
  readonly width: number;
  readonly height: number;
  /** width·height gray values 0…255. */
  readonly gray: Uint8Array;
  /** Class index of the object (1 = first class). */
  readonly classIndex: number;
}

export interface ComposeScenesOptions {
  /** Output images are size × size. Default 160. */
  readonly size?: number;
  /** Objects per image, from min to max (uniform). Default [1, 4]. */
  readonly objectsPerImage?: readonly [number, number];
  /** Object side in pixels (the sprite's longer side), uniform in this range. Default [24, 80]. */
  readonly objectSize?: readonly [number, number];
  /** Gray value above which a sprite pixel is the object. Default 24. */
  readonly threshold?: number;
  /** An object whose box would be covered by later ones beyond this share of its area is not placed. Default 0.5. */
  readonly maxOcclusion?: number;
  readonly seed?: number;
}

export interface ComposedScene {
  readonly image: RgbImage;
  /** Tight boxes of the visible object pixels (occlusion taken into account), in pixels. */
  readonly objects: GroundTruthObject[];
}

/**
 * Detection scenes for a benchmark that needs no downloaded dataset: each
 * image is a random crop (20–100% of the shorter side, flipped half the time)
 * of a background photo, resized to size × size, with 1–4 object sprites
 * pasted at random scale and place, each tinted a random colour with its
 * texture kept (the sprite's gray values modulate the colour) and allowed to
 * overlap earlier ones up to `maxOcclusion`. Boxes are the tight boxes of the
 * pixels each object still shows. Deterministic from `seed` and the index.
 */
export function composeScenes(count: number, backgrounds: readonly RgbImage[], sprites: readonly ObjectSprite[], options: ComposeScenesOptions = {}): ComposedScene[] {
  const { size = 160, objectsPerImage = [1, 4], objectSize = [24, 80], threshold = 24, maxOcclusion = 0.5, seed = 1 } = options;
  if (backgrounds.length === 0) throw new DetectionOptionError('composeScenes', 'backgrounds', 0, 'at least one background image');
  if (sprites.length === 0) throw new DetectionOptionError('composeScenes', 'sprites', 0, 'at least one object sprite');
  if (!(objectSize[0] >= 4 && objectSize[1] >= objectSize[0] && objectSize[1] <= size)) throw new DetectionOptionError('composeScenes', 'objectSize', objectSize, `a range [min, max] with 4 ≤ min ≤ max ≤ size (${size})`);
  const scenes: ComposedScene[] = [];
  for (let n = 0; n < count; n++) {
    const random = mulberry32(deriveSeed(seed, `composeScenes:${n}`));
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const data = backgroundCrop(backgrounds[int(0, backgrounds.length - 1)]!, size, random);
    // owner[p] = index of the object showing at pixel p, or -1.
    const owner = new Int16Array(size * size).fill(-1);
    const classes: number[] = [];
    const wanted = int(objectsPerImage[0], objectsPerImage[1]);
    for (let k = 0; k < wanted; k++) {
      const sprite = sprites[int(0, sprites.length - 1)]!;
      const side = int(objectSize[0], objectSize[1]);
      const scale = side / Math.max(sprite.width, sprite.height);
      const w = Math.max(1, Math.round(sprite.width * scale));
      const h = Math.max(1, Math.round(sprite.height * scale));
      const x0 = int(0, size - w);
      const y0 = int(0, size - h);
      const scaled = resizeBilinear({ width: sprite.width, height: sprite.height, data: grayToRgb(sprite.gray) }, h, w);
      // How much of the earlier objects this one would hide.
      const hidden = new Map<number, number>();
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (scaled.data[(y * w + x) * 3]! > threshold) {
        const o = owner[(y0 + y) * size + x0 + x]!;
        if (o >= 0) hidden.set(o, (hidden.get(o) ?? 0) + 1);
      }
      const areas = countPixels(owner, classes.length);
      if ([...hidden].some(([o, c]) => c > maxOcclusion * areas[o]!)) continue;
      const tint = [int(40, 255), int(40, 255), int(40, 255)];
      const index = classes.length;
      classes.push(sprite.classIndex);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const g = scaled.data[(y * w + x) * 3]!;
          if (g <= threshold) continue;
          const p = (y0 + y) * size + x0 + x;
          owner[p] = index;
          for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round((tint[c]! * g) / 255);
        }
      }
    }
    scenes.push({ image: { width: size, height: size, data }, objects: tightBoxes(owner, size, classes) });
  }
  return scenes;
}

function grayToRgb(gray: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(gray.length * 3);
  for (let i = 0; i < gray.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = gray[i]!;
  return rgb;
}

function backgroundCrop(bg: RgbImage, size: number, random: () => number): Uint8Array {
  const side = Math.max(8, Math.round(Math.min(bg.width, bg.height) * (0.2 + 0.8 * random())));
  const x = Math.floor(random() * (bg.width - side + 1));
  const y = Math.floor(random() * (bg.height - side + 1));
  const crop = new Uint8Array(side * side * 3);
  const flip = random() < 0.5;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const src = ((y + r) * bg.width + x + (flip ? side - 1 - c : c)) * 3;
      crop.set(bg.data.subarray(src, src + 3), (r * side + c) * 3);
    }
  }
  return Uint8Array.from(resizeBilinear({ width: side, height: side, data: crop }, size, size).data, (v) => Math.round(v));
}

function countPixels(owner: Int16Array, n: number): number[] {
  const areas = new Array<number>(n).fill(0);
  for (const o of owner) if (o >= 0) areas[o]!++;
  return areas;
}

function tightBoxes(owner: Int16Array, size: number, classes: readonly number[]): GroundTruthObject[] {
  const box = classes.map(() => ({ x0: size, y0: size, x1: -1, y1: -1 }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = owner[y * size + x]!;
      if (o < 0) continue;
      const b = box[o]!;
      b.x0 = Math.min(b.x0, x);
      b.y0 = Math.min(b.y0, y);
      b.x1 = Math.max(b.x1, x);
      b.y1 = Math.max(b.y1, y);
    }
  }
  return box.flatMap((b, i) => (b.x1 < 0 ? [] : [{ classIndex: classes[i]!, box: { x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 } }]));
}
