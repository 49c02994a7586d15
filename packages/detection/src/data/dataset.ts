import { deriveSeed, mulberry32 } from '@mobilenet-kit/core';
import type { GroundTruthObject } from '../evaluate/evaluate-detections';
import { DetectionOptionError } from '../errors';

/** One image of a detection dataset: its file, its size as annotated, its objects in pixels. */
export interface DatasetImage {
  /** COCO image id, or the VOC annotation's file name without `.xml`. */
  readonly id: number | string;
  /** Absolute path of the image file. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** Boxes in pixels (`x, y` the top-left corner); `classIndex` 1 = `labels[0]`. */
  readonly objects: readonly GroundTruthObject[];
}

/** A detection dataset in memory, whatever format it was read from. */
export interface DetectionDataset {
  /** Name of each class index (index 1 first). */
  readonly labels: readonly string[];
  /** The COCO category id of each class index (index 1 first); VOC: 1, 2, … in label order. */
  readonly categoryIds: readonly number[];
  readonly images: readonly DatasetImage[];
}

/**
 * A seeded train/validation split: the images shuffled with (seed, 'splitDataset'), the first
 * `round(fraction · n)` (at least one when fraction > 0 and n > 1) held out. Same seed, same split.
 */
export function splitDataset(dataset: DetectionDataset, fraction: number, seed = 0): { train: DetectionDataset; validation: DetectionDataset } {
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)) throw new DetectionOptionError('splitDataset', 'fraction', fraction, 'a number in [0, 1)');
  const n = dataset.images.length;
  const order = dataset.images.map((_, i) => i);
  const random = mulberry32(deriveSeed(seed, 'splitDataset'));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let k = Math.round(fraction * n);
  if (fraction > 0 && n > 1) k = Math.min(n - 1, Math.max(1, k));
  const held = new Set(order.slice(0, k));
  return {
    train: { ...dataset, images: dataset.images.filter((_, i) => !held.has(i)) },
    validation: { ...dataset, images: dataset.images.filter((_, i) => held.has(i)) },
  };
}

/** What is wrong with a dataset against its images (empty lists: nothing). */
export interface DatasetProblems {
  /** Image files that do not exist or cannot be read. */
  readonly missingFiles: readonly string[];
  /** Images whose file size differs from the annotated width × height. */
  readonly sizeMismatches: readonly { file: string; annotated: [number, number]; actual: [number, number] }[];
  /** Objects whose box leaves the image (by more than `tolerance` pixels) or is empty. */
  readonly badBoxes: readonly { file: string; object: number; box: GroundTruthObject['box']; problem: string }[];
}

/** Boxes outside their image or empty; the image-file checks are in `validateDataset` of the node entry. */
export function checkBoxes(dataset: DetectionDataset, tolerance = 1): DatasetProblems['badBoxes'] {
  const bad: { file: string; object: number; box: GroundTruthObject['box']; problem: string }[] = [];
  for (const image of dataset.images) {
    image.objects.forEach((o, object) => {
      const { x, y, width, height } = o.box;
      if (!(width > 0 && height > 0)) bad.push({ file: image.file, object, box: o.box, problem: `empty box (width ${width}, height ${height})` });
      else if (x < -tolerance || y < -tolerance || x + width > image.width + tolerance || y + height > image.height + tolerance) {
        bad.push({ file: image.file, object, box: o.box, problem: `outside the ${image.width}×${image.height} image` });
      }
      if (!(o.classIndex >= 1 && o.classIndex <= dataset.labels.length)) bad.push({ file: image.file, object, box: o.box, problem: `class index ${o.classIndex} outside 1…${dataset.labels.length}` });
    });
  }
  return bad;
}
