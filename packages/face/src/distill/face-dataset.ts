import { hashString, mix32, mulberry32 } from '@mobilenet-kit/backbone';
import type { Detector } from '@mobilenet-kit/detection';
import type { Box, RgbImage } from '@mobilenet-kit/image';
import type { Embedder } from '../embedder';
import { FaceOptionError } from '../errors';
import { DEFAULT_FACE_MARGIN, faceCrop } from '../face-crop';
import { type FaceAugmentOptions, applyAugmentation, drawAugmentation } from './augment';

/** One face found by the detector in a source photo. */
export interface FaceSample {
  /** `<photo name>#<index>`: stable across runs while the detector and the photos stay the same. */
  readonly id: string;
  readonly photo: string;
  readonly box: Box;
  readonly score: number;
  /** The square crop around the box (margin included, padded black past the border). */
  readonly crop: RgbImage;
}

/**
 * Runs the detector on each photo and keeps a square crop around every face
 * it finds (minScore as given, default 0.5). The crops are the material of
 * the distillation: the teacher labels them, the student learns from them.
 */
export async function collectFaceSamples(
  photos: readonly { readonly name: string; readonly image: RgbImage }[],
  detector: Detector,
  options: { minScore?: number; margin?: number } = {},
): Promise<FaceSample[]> {
  const samples: FaceSample[] = [];
  for (const { name, image } of photos) {
    const faces = await detector.detect(image, { minScore: options.minScore ?? 0.5 });
    faces.forEach((face, index) => {
      samples.push({ id: `${name}#${index}`, photo: name, box: face.box, score: face.score, crop: faceCrop(image, face.box, options.margin ?? DEFAULT_FACE_MARGIN).image });
    });
  }
  return samples;
}

/**
 * Splits faces into training and held-out faces by a hash of their id and
 * the seed, so a face is on the same side in every run (and its augmented
 * copies never cross over). `heldOut` is the expected fraction; at least one
 * face goes to each side when there are two or more.
 */
export function splitHeldOut<T extends { readonly id: string }>(samples: readonly T[], heldOut = 0.2, seed = 0): { train: T[]; heldOut: T[] } {
  if (typeof heldOut !== 'number' || !(heldOut > 0 && heldOut < 1)) throw new FaceOptionError('splitHeldOut', 'heldOut', heldOut, 'expected a fraction in (0, 1)');
  const ranked = samples.map((s) => ({ s, r: mix32(hashString(s.id) ^ mix32(seed >>> 0)) / 2 ** 32 }));
  const train = ranked.filter((x) => x.r >= heldOut);
  const held = ranked.filter((x) => x.r < heldOut);
  // Tiny sets: move the extreme one across so that neither side is empty.
  if (samples.length >= 2 && held.length === 0) held.push(train.splice(train.indexOf(train.reduce((a, b) => (b.r < a.r ? b : a))), 1)[0]!);
  if (samples.length >= 2 && train.length === 0) train.push(held.splice(held.indexOf(held.reduce((a, b) => (b.r > a.r ? b : a))), 1)[0]!);
  return { train: train.map((x) => x.s), heldOut: held.map((x) => x.s) };
}

export interface DistillationBatch {
  /** Augmented crops at the student's input size. */
  readonly studentCrops: RgbImage[];
  /** The teacher's L2-normalized descriptor of the same augmented crop (the student's L2-normalized output is compared to it). */
  readonly targets: Float32Array[];
  readonly ids: string[];
}

/**
 * One distillation batch (PAPER.md, Table 14: the student minimizes the
 * squared distance between its embedding and the teacher's on the same
 * image): `batchSize` faces drawn from `samples` with `random`, each
 * augmented once; the teacher embeds the augmented crop at its own input
 * size and its descriptor is L2-normalized (face-api's descriptors have
 * norms ≈ 1.3–1.5; the student's head normalizes), the student gets the
 * same augmented view at `studentSize`.
 */
export async function distillationBatch(
  samples: readonly FaceSample[],
  teacher: Embedder,
  options: { batchSize: number; studentSize: number; random: () => number; augment?: FaceAugmentOptions },
): Promise<DistillationBatch> {
  const { batchSize, studentSize, random } = options;
  if (samples.length === 0) throw new FaceOptionError('distillationBatch', 'samples', samples, 'expected at least one face');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new FaceOptionError('distillationBatch', 'batchSize', batchSize, 'expected an integer ≥ 1');
  const teacherCrops: RgbImage[] = [];
  const studentCrops: RgbImage[] = [];
  const ids: string[] = [];
  for (let i = 0; i < batchSize; i++) {
    const sample = samples[Math.floor(random() * samples.length)]!;
    // One augmentation, rendered once at each network's input size (no second resampling).
    const a = drawAugmentation(random, options.augment);
    teacherCrops.push(applyAugmentation(sample.crop, a, teacher.inputSize));
    studentCrops.push(applyAugmentation(sample.crop, a, studentSize));
    ids.push(sample.id);
  }
  const targets = (await teacher.embed(teacherCrops)).map((d) => {
    const n = Math.hypot(...d);
    return d.map((x) => x / Math.max(n, 1e-12));
  });
  return { studentCrops, targets, ids };
}

/** A seeded uniform generator for the pipeline (mulberry32 of the backbone package). */
export const seededRandom = (seed: number): (() => number) => mulberry32(mix32(seed >>> 0));
