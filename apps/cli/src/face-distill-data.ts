import * as path from 'node:path';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import type { Embedder } from '@mobilenet-kit/face';
import { type DistillSet, buildDistillSet, loadDistillSet, readFacePhotos, saveDistillSet } from '@mobilenet-kit/face/training';
import { formatDuration } from './classification-support';
import type { CliIo } from './io';
import { UsageError } from './usage-error';

export const FETCH_FACE_PHOTOS_SCRIPT = 'tooling/fixtures/fetch-face-photos.sh';

export interface DistillDataOptions {
  /** The command, for messages (`train face-distill`). */
  readonly command: string;
  /** Folder of the cached set (`<out>/data`). */
  readonly cache: string;
  /** The face photos folder (face-api/, skimage/, opencv/, lfw_subset.npy). */
  readonly photosDir: string;
  readonly backend: string;
  readonly faceApiDir: string;
  /** face-api's recognition net: its descriptors decide near duplicates and which faces go to the same side of the split. */
  readonly teacher: Embedder;
  readonly seed: number;
  readonly heldOutFraction: number;
  readonly views: number;
  readonly heldOutViews: number;
  /** performance.now() at the command's start, for the progress lines. */
  readonly started: number;
}

/**
 * The face distillation data: read back from `cache` when it is there,
 * otherwise built once (our detector on every photo, the teacher on every
 * view) and saved there. Undefined (after saying why on stderr) when there
 * are no photos.
 */
export async function loadOrBuildDistillSet(o: DistillDataOptions, io: CliIo): Promise<DistillSet | undefined> {
  const cached = await loadDistillSet(o.cache);
  if (cached) {
    io.stdout.write(`data: ${o.cache} (cached)\n`);
    return cached;
  }
  const { photos, missing } = await readFacePhotos({
    dirs: ['face-api', 'skimage', 'opencv'].map((source) => ({ source, dir: path.join(o.photosDir, source) })),
    lfwSubset: path.join(o.photosDir, 'lfw_subset.npy'),
  });
  if (photos.length === 0) {
    io.stderr.write(`mobilenet-kit ${o.command}: no face photos in ${o.photosDir} (missing: ${missing.join(', ')}); run ${FETCH_FACE_PHOTOS_SCRIPT} or pass --data\n`);
    return undefined;
  }
  if (missing.length) io.stderr.write(`warning: missing ${missing.join(', ')} (run ${FETCH_FACE_PHOTOS_SCRIPT}); training on what is there\n`);
  if (o.heldOutFraction >= 1) throw new UsageError(`mobilenet-kit ${o.command}: --held-out ${o.heldOutFraction} is not allowed; --held-out takes a number > 0 and < 1`, o.command);
  const detector = await loadFaceDetector({ backend: o.backend, modelDir: o.faceApiDir });
  let lastLine = 0;
  const set = await buildDistillSet(photos, { detector, teacher: o.teacher }, { seed: o.seed, heldOutFraction: o.heldOutFraction, viewsPerFace: o.views, heldOutViewsPerFace: o.heldOutViews }, (stage, done, total) => {
    if (done === total || Date.now() - lastLine > 10_000) {
      lastLine = Date.now();
      io.stderr.write(`  ${stage}: ${done}/${total}  ${formatDuration((performance.now() - o.started) / 1000)}\n`);
    }
  }).finally(() => detector.dispose());
  await saveDistillSet(o.cache, set);
  return set;
}

/** The data line: photos, faces, the split by source of the photos. */
export function describeDistillData(set: DistillSet): string {
  const bySource = (indices: readonly number[]) => {
    const counts = new Map<string, number>();
    for (const i of indices) {
      const source = set.faces[i]!.photo.split('/')[0]!;
      counts.set(source, (counts.get(source) ?? 0) + 1);
    }
    return [...counts].map(([s, n]) => `${s} ${n}`).join(', ');
  };
  return (
    `data: ${set.stats.photos} photos (${set.stats.photosWithFaces} with faces), ${set.stats.detected} faces, ${set.stats.duplicatesDropped} near duplicates dropped; ` +
    `${set.train.length} training faces (${bySource(set.train)}) × ${set.settings.viewsPerFace} views, ${set.heldOut.length} held-out faces (${bySource(set.heldOut)}) × ${set.settings.heldOutViewsPerFace} views`
  );
}
