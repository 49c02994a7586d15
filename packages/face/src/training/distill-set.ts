import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonBounded } from '@mobilenet-kit/core';
import { InputFileError, readRegularFile, writeFileAtomic } from '@mobilenet-kit/core/node';
import type { Detector } from '@mobilenet-kit/detection';
import type { RgbImage } from '@mobilenet-kit/image';
import { type FaceAugmentOptions, type FaceAugmentation, applyAugmentation, drawAugmentation } from '../distill/augment';
import { collectFaceSamples, seededRandom, splitHeldOut } from '../distill/face-dataset';
import { nearDuplicateGroups } from '../distill/near-duplicates';
import type { Embedder } from '../embedder';
import { FaceOptionError } from '../errors';
import type { FacePhoto } from './face-photos';

/** One face of the set: its canonical square crop (margin included) at `cropSize`. */
export interface DistillFace {
  readonly id: string;
  /** Where it comes from: the photo's name (`face-api/sample1.jpg`, `lfw/012`). */
  readonly photo: string;
  readonly crop: RgbImage;
  /** The teacher's descriptor of the unaugmented crop (raw, face-api's scale). */
  readonly teacher: Float32Array;
}

/** The second face of a mixup view: rendered with its own augmentation and blended in with `weight`. */
export interface DistillViewMix {
  /** Index into `DistillSet.faces` (a training face). */
  readonly face: number;
  readonly augmentation: FaceAugmentation;
  /** Its share of every pixel, in [0, 1): the view is (1 − weight)·face + weight·mix. */
  readonly weight: number;
}

/** An augmented view of a face with the teacher's descriptor of exactly that view. */
export interface DistillView {
  /** Index into `DistillSet.faces`. */
  readonly face: number;
  readonly augmentation: FaceAugmentation;
  /** A mixup view: another training face blended in (extendTrainViews with `mixup`). */
  readonly mix?: DistillViewMix;
  /** The teacher's raw descriptor of the augmented view (rendered at the teacher's input size). */
  readonly teacher: Float32Array;
}

export interface DistillSet {
  readonly cropSize: number;
  readonly faces: readonly DistillFace[];
  /** Indices of training faces and of held-out faces (disjoint; near duplicates removed before the split). */
  readonly train: readonly number[];
  readonly heldOut: readonly number[];
  /** `viewsPerFace` views of every training face. */
  readonly trainViews: readonly DistillView[];
  /** `heldOutViewsPerFace` views of every held-out face, for evaluation only. */
  readonly heldOutViews: readonly DistillView[];
  /** What was dropped and why, for the report. */
  readonly stats: { readonly photos: number; readonly photosWithFaces: number; readonly detected: number; readonly duplicatesDropped: number };
  readonly settings: DistillSetSettings;
}

export interface DistillSetSettings {
  readonly seed: number;
  readonly heldOutFraction: number;
  readonly viewsPerFace: number;
  readonly heldOutViewsPerFace: number;
  readonly cropSize: number;
  readonly minScore: number;
  readonly duplicateDistance: number;
  /** Faces closer than this (transitively) go to the same side of the split: likely the same person in two photos. */
  readonly sameSideDistance: number;
  readonly augment: FaceAugmentOptions;
  /** Extra training views added after the build (extendTrainViews), in order. */
  readonly extraViews?: readonly ExtraViewsSettings[];
}

/** A batch of extra training views: `perFace` per training face (real photos only with `photosOnly`), drawn from `augment`. */
export interface ExtraViewsSettings {
  readonly perFace: number;
  readonly augment: FaceAugmentOptions;
  /** Reduce each crop to lowRes×lowRes (and gray) first, as lfw_subset's faces are. */
  readonly lowRes?: number;
  readonly gray?: boolean;
  /** Only faces from photos (not lfw's patches). */
  readonly photosOnly?: boolean;
  /**
   * Mixup views: each view blends in another training face (its own
   * augmentation) with a weight drawn uniformly below this (at most 0.5,
   * so the view's own face dominates).
   */
  readonly mixup?: number;
  readonly seed: number;
}

export const DISTILL_SET_DEFAULTS: DistillSetSettings = Object.freeze({
  seed: 1,
  heldOutFraction: 0.2,
  viewsPerFace: 16,
  heldOutViewsPerFace: 8,
  cropSize: 192,
  minScore: 0.5,
  // Teacher distances on our unaligned crops: the same face re-cropped a few pixels off ≈ 0.2, another face ≥ 0.39 (README's caveat).
  duplicateDistance: 0.3,
  // Another person's face lies at 0.39 or more on face-api's demo photos; the same person in another photo (opencv's
  // tutorials reuse Lena and Messi, filtered or marked up) can lie a little farther: 0.45 keeps such pairs on one side.
  sameSideDistance: 0.45,
  augment: {},
});

export const IDENTITY_AUGMENTATION: FaceAugmentation = Object.freeze({ flipped: false, dx: 0, dy: 0, zoom: 1, brightness: 0, contrast: 1 });

/** Renders one view of a face at `size` (the identity augmentation gives the plain crop). */
export function renderView(face: { readonly crop: RgbImage }, augmentation: FaceAugmentation, size: number): RgbImage {
  return applyAugmentation(face.crop, augmentation, size);
}

/** Renders a set's view at `size`: its face augmented, and for a mixup view the other face blended in, pixel by pixel. */
export function renderDistillView(faces: readonly { readonly crop: RgbImage }[], view: Pick<DistillView, 'face' | 'augmentation' | 'mix'>, size: number): RgbImage {
  const image = renderView(faces[view.face]!, view.augmentation, size);
  if (!view.mix) return image;
  const other = renderView(faces[view.mix.face]!, view.mix.augmentation, size).data;
  const w = view.mix.weight;
  const data = image.data.map((x, i) => Math.round((1 - w) * x + w * other[i]!));
  return { ...image, data };
}

async function embedAll(teacher: Embedder, crops: readonly RgbImage[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < crops.length; i += 16) {
    out.push(...(await teacher.embed(crops.slice(i, i + 16))));
    onProgress?.(out.length, crops.length);
  }
  return out;
}

/**
 * Builds the distillation data: the detector's square crops of every face in
 * the photos (crops given as such, lfw's, are taken whole), the teacher's
 * descriptor of each, near duplicates dropped (one face kept per group of
 * descriptors closer than `duplicateDistance`), a held-out split by face
 * (seeded hash of the face id), then `viewsPerFace` augmented views of each
 * training face and `heldOutViewsPerFace` of each held-out face, each with
 * the teacher's descriptor of that very view. The teacher runs once per
 * view here, never during training.
 */
export async function buildDistillSet(
  photos: readonly FacePhoto[],
  models: { detector: Detector; teacher: Embedder },
  settings: Partial<DistillSetSettings> = {},
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<DistillSet> {
  const s: DistillSetSettings = { ...DISTILL_SET_DEFAULTS, ...settings };
  if (!Number.isInteger(s.viewsPerFace) || s.viewsPerFace < 1) throw new FaceOptionError('buildDistillSet', 'viewsPerFace', s.viewsPerFace, 'expected an integer ≥ 1');
  if (!Number.isInteger(s.heldOutViewsPerFace) || s.heldOutViewsPerFace < 1) throw new FaceOptionError('buildDistillSet', 'heldOutViewsPerFace', s.heldOutViewsPerFace, 'expected an integer ≥ 1');
  const found: { id: string; photo: string; crop: RgbImage }[] = [];
  const withFaces = new Set<string>();
  for (let i = 0; i < photos.length; i++) {
    const p = photos[i]!;
    if (p.isCrop) found.push({ id: `${p.name}#0`, photo: p.name, crop: p.image });
    else for (const f of await collectFaceSamples([p], models.detector, { minScore: s.minScore })) found.push({ id: f.id, photo: f.photo, crop: f.crop });
    if (found.length > 0 && found[found.length - 1]!.photo === p.name) withFaces.add(p.name);
    onProgress?.('detect', i + 1, photos.length);
  }
  const canonical = found.map((f) => renderView(f, IDENTITY_AUGMENTATION, s.cropSize));
  const descriptors = await embedAll(models.teacher, canonical, (d, t) => onProgress?.('teacher: faces', d, t));
  const groups = nearDuplicateGroups(descriptors, s.duplicateDistance);
  const seen = new Set<number>();
  const faces: DistillFace[] = [];
  found.forEach((f, i) => {
    if (seen.has(groups[i]!)) return;
    seen.add(groups[i]!);
    faces.push({ id: f.id, photo: f.photo, crop: canonical[i]!, teacher: descriptors[i]! });
  });
  // The split is by group of likely-same-person faces, so that no held-out face has a look-alike among the training faces.
  const sides = nearDuplicateGroups(faces.map((f) => f.teacher), s.sameSideDistance);
  const groupIds = [...new Set(sides)].map((g) => ({ id: faces[sides.indexOf(g)]!.id, g }));
  const split = splitHeldOut(groupIds, s.heldOutFraction, s.seed);
  const heldOutGroups = new Set(split.heldOut.map((x) => x.g));
  const train = faces.map((_, i) => i).filter((i) => !heldOutGroups.has(sides[i]!));
  const heldOut = faces.map((_, i) => i).filter((i) => heldOutGroups.has(sides[i]!));
  const random = seededRandom(s.seed);
  const drawViews = async (indices: number[], perFace: number, stage: string): Promise<DistillView[]> => {
    const plan = indices.flatMap((face) => Array.from({ length: perFace }, () => ({ face, augmentation: drawAugmentation(random, s.augment) })));
    const teacher = await embedAll(
      models.teacher,
      plan.map((v) => renderView(faces[v.face]!, v.augmentation, models.teacher.inputSize)),
      (d, t) => onProgress?.(stage, d, t),
    );
    return plan.map((v, k) => ({ ...v, teacher: teacher[k]! }));
  };
  const trainViews = await drawViews(train, s.viewsPerFace, 'teacher: training views');
  const heldOutViews = await drawViews(heldOut, s.heldOutViewsPerFace, 'teacher: held-out views');
  return {
    cropSize: s.cropSize,
    faces,
    train,
    heldOut,
    trainViews,
    heldOutViews,
    stats: { photos: photos.length, photosWithFaces: withFaces.size, detected: found.length, duplicatesDropped: found.length - faces.length },
    settings: s,
  };
}

/**
 * Adds training views to a set: distillation needs no labels, so the
 * teacher's descriptor of any rendering of a training face is a target
 * (wider shifts and zooms, the face reduced to a 25×25 gray patch like the
 * lfw_subset faces, or with `mixup` another training face blended in, as
 * Beyer et al. 2022, "Knowledge distillation: A good teacher is patient and
 * consistent", match the teacher's function between images). Held-out faces
 * get none and are never blended in: only `set.train` faces are rendered.
 * The teacher runs once per new view.
 */
export async function extendTrainViews(set: DistillSet, teacher: Embedder, extra: ExtraViewsSettings, onProgress?: (done: number, total: number) => void): Promise<DistillSet> {
  if (!Number.isInteger(extra.perFace) || extra.perFace < 1) throw new FaceOptionError('extendTrainViews', 'perFace', extra.perFace, 'expected an integer ≥ 1');
  if (extra.mixup !== undefined && !(extra.mixup > 0 && extra.mixup <= 0.5)) throw new FaceOptionError('extendTrainViews', 'mixup', extra.mixup, 'expected a largest blend weight in (0, 0.5]');
  if (extra.mixup !== undefined && set.train.length < 2) throw new FaceOptionError('extendTrainViews', 'mixup', `${set.train.length} training face`, 'mixup needs at least two training faces');
  const random = seededRandom(extra.seed);
  const faces = set.train.filter((i) => !extra.photosOnly || !set.faces[i]!.photo.startsWith('lfw/'));
  const draw = () => ({ ...drawAugmentation(random, extra.augment), ...(extra.lowRes !== undefined ? { lowRes: extra.lowRes } : {}), ...(extra.gray ? { gray: true } : {}) }) as FaceAugmentation;
  const otherFace = (face: number) => {
    const k = Math.floor(random() * (set.train.length - 1));
    return set.train[k]! === face ? set.train[set.train.length - 1]! : set.train[k]!;
  };
  const plan: Pick<DistillView, 'face' | 'augmentation' | 'mix'>[] = faces.flatMap((face) =>
    Array.from({ length: extra.perFace }, () => {
      const augmentation = draw();
      if (extra.mixup === undefined) return { face, augmentation };
      const mix = { face: otherFace(face), augmentation: draw(), weight: random() * extra.mixup };
      return { face, augmentation, mix };
    }),
  );
  const descriptors = await embedAll(
    teacher,
    plan.map((v) => renderDistillView(set.faces, v, teacher.inputSize)),
    onProgress,
  );
  return {
    ...set,
    trainViews: [...set.trainViews, ...plan.map((v, k) => ({ ...v, teacher: descriptors[k]! }))],
    settings: { ...set.settings, extraViews: [...(set.settings.extraViews ?? []), extra] },
  };
}

/** Views of photo faces reduced to 25×25 gray patches: scikit-image's lfw_subset faces are 25×25 gray. */
export const lowResViews = (perFace: number, seed: number): ExtraViewsSettings => ({ perFace, augment: { scale: 0.15 }, lowRes: 25, gray: true, photosOnly: true, seed });
/** More views drawn as the build's (the default augmentation), from their own seed: the held-out views stay as they were. */
export const moreViews = (perFace: number, seed: number): ExtraViewsSettings => ({ perFace, augment: {}, seed });
/** Views with wider shifts (±12% of the side) and zooms (±25%) than the build's. */
export const wideViews = (perFace: number, seed: number): ExtraViewsSettings => ({ perFace, augment: { shift: 0.12, scale: 0.25 }, seed });
/** Mixup views: each training face (augmented as --views) with another one blended in at a weight below 0.5. */
export const mixupViews = (perFace: number, seed: number): ExtraViewsSettings => ({ perFace, augment: {}, mixup: 0.5, seed });

const SET_JSON = 'distill-set.json';
const SET_BIN = 'distill-set.bin';
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Keeps a distillation set in a folder (JSON + one binary file of crops and
 * descriptors, with its SHA-256 in the JSON), so that a resumed run does not
 * run the detector and the teacher again. The binary is written first and
 * each file is renamed into place.
 */
export async function saveDistillSet(dir: string, set: DistillSet): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Any teacher's vectors: 128-d descriptors of the recognition net, 10-d answers of the attribute nets.
  const d = set.faces[0]?.teacher.length ?? 128;
  const cropBytes = set.cropSize * set.cropSize * 3;
  const views = [...set.trainViews, ...set.heldOutViews];
  const bin = new Uint8Array(set.faces.length * cropBytes + (set.faces.length + views.length) * d * 4);
  set.faces.forEach((f, i) => bin.set(f.crop.data, i * cropBytes));
  const descriptors = new Float32Array(bin.buffer, set.faces.length * cropBytes);
  [...set.faces.map((f) => f.teacher), ...views.map((v) => v.teacher)].forEach((t, i) => {
    if (t.length !== d) throw new FaceOptionError('saveDistillSet', 'teacher', `${t.length} values`, `expected ${d}, as the first face's`);
    descriptors.set(t, i * d);
  });
  const json = {
    format: 'mobilenet-kit-face-distill-set',
    version: 1,
    cropSize: set.cropSize,
    dimensions: d,
    faces: set.faces.map((f) => ({ id: f.id, photo: f.photo })),
    train: set.train,
    heldOut: set.heldOut,
    trainViews: set.trainViews.map((v) => ({ face: v.face, augmentation: v.augmentation, ...(v.mix ? { mix: v.mix } : {}) })),
    heldOutViews: set.heldOutViews.map((v) => ({ face: v.face, augmentation: v.augmentation })),
    stats: set.stats,
    settings: set.settings,
    bin: { file: SET_BIN, bytes: bin.byteLength, sha256: sha256(bin) },
  };
  // The .bin first: a set.json always names a complete .bin (its SHA-256 is checked on load).
  await writeFileAtomic(path.join(dir, SET_BIN), bin);
  await writeFileAtomic(path.join(dir, SET_JSON), `${JSON.stringify(json)}\n`);
}

/** Reads a folder written by saveDistillSet; undefined when there is none, an error when it is damaged. */
export async function loadDistillSet(dir: string): Promise<DistillSet | undefined> {
  const jsonFile = path.join(dir, SET_JSON);
  let bytes: Uint8Array;
  try {
    // A regular file only (a FIFO would block the read); none there: no cached set.
    bytes = await readRegularFile(jsonFile, { what: 'distillation data', refuseEmpty: false });
  } catch (e) {
    if (e instanceof InputFileError && e.problem === 'not-found') return undefined;
    throw e;
  }
  const damaged = (what: string) => new Error(`${jsonFile}: ${what}; not face distillation data as saveDistillSet writes it (damaged? delete the folder ${dir} to rebuild it)`);
  // The parsed JSON, checked field by field below before use (as JSON.parse's value was, unchecked, before).
  // biome-ignore lint/suspicious/noExplicitAny: a parsed document, checked below
  let json: Record<string, any>;
  try {
    json = parseJsonBounded(bytes, { file: jsonFile }) as typeof json;
  } catch (e) {
    throw damaged((e as Error).message.replace(`${jsonFile}: `, ''));
  }
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw damaged('not a JSON object');
  if (typeof json.bin !== 'object' || json.bin === null || !Number.isSafeInteger(json.bin.bytes) || typeof json.bin.sha256 !== 'string') throw damaged('no "bin": { bytes, sha256 }');
  if (!isCount(json.cropSize) || !isCount(json.dimensions)) throw damaged(`cropSize ${JSON.stringify(json.cropSize)} and dimensions ${JSON.stringify(json.dimensions)} are not positive integers`);
  for (const key of ['faces', 'trainViews', 'heldOutViews', 'train', 'heldOut'] as const) if (!Array.isArray(json[key])) throw damaged(`"${key}" is not an array`);
  const file = path.join(dir, SET_BIN);
  const bin = new Uint8Array(await readRegularFile(file, { what: 'distillation data', refuseEmpty: false }));
  if (bin.byteLength !== json.bin.bytes || sha256(bin) !== json.bin.sha256) throw new FaceOptionError('loadDistillSet', file, `${bin.byteLength} bytes`, `expected ${json.bin.bytes} bytes with the SHA-256 in ${SET_JSON} (damaged: delete the folder to rebuild it)`);
  const { cropSize, dimensions: d } = json as { cropSize: number; dimensions: number };
  const cropBytes = cropSize * cropSize * 3;
  const n = json.faces.length as number;
  const descriptors = new Float32Array(bin.buffer.slice(n * cropBytes));
  const descriptor = (i: number) => descriptors.slice(i * d, (i + 1) * d);
  const faces: DistillFace[] = json.faces.map((f: { id: string; photo: string }, i: number) => ({
    ...f,
    crop: { width: cropSize, height: cropSize, data: bin.slice(i * cropBytes, (i + 1) * cropBytes) },
    teacher: descriptor(i),
  }));
  let k = n;
  const views = (list: { face: number; augmentation: FaceAugmentation; mix?: DistillViewMix }[]) => list.map((v) => ({ ...v, teacher: descriptor(k++) }));
  const trainViews = views(json.trainViews);
  const heldOutViews = views(json.heldOutViews);
  return { cropSize, faces, train: json.train, heldOut: json.heldOut, trainViews, heldOutViews, stats: json.stats, settings: json.settings };
}
