import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Detector } from '@mobilenet-kit/detection';
import { decodeImage } from '@mobilenet-kit/image';
import { FaceOptionError } from '../errors';
import { DEFAULT_FACE_MARGIN, faceCrop } from '../face-crop';
import type { LabeledFaces } from './triplet-trainer';

/**
 * Reads a folder with one subfolder per person (the subfolder's name is the
 * label): in each photo the detector's best face becomes a square crop.
 * Photos without a face, or that cannot be decoded, are listed in `skipped`
 * with the reason; they do not stop the reading.
 */
export async function readLabeledFaceFolders(
  dir: string,
  detector: Detector,
  options: { minScore?: number; margin?: number } = {},
): Promise<{ people: LabeledFaces[]; skipped: { file: string; reason: string }[] }> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new FaceOptionError('readLabeledFaceFolders', 'dir', dir, `cannot be read (${(e as Error).message}); expected a folder with one subfolder per person`);
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (folders.length === 0) throw new FaceOptionError('readLabeledFaceFolders', 'dir', dir, 'has no subfolders; expected one subfolder per person holding their photos');
  const people: LabeledFaces[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const label of folders) {
    const files = (await readdir(path.join(dir, label))).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
    const crops = [];
    for (const f of files) {
      const file = path.join(dir, label, f);
      try {
        const image = await decodeImage(file);
        const faces = await detector.detect(image, { minScore: options.minScore ?? 0.5 });
        if (faces.length === 0) {
          skipped.push({ file, reason: 'no face found' });
          continue;
        }
        const best = faces.reduce((a, b) => (b.score > a.score ? b : a));
        crops.push(faceCrop(image, best.box, options.margin ?? DEFAULT_FACE_MARGIN).image);
      } catch (e) {
        skipped.push({ file, reason: (e as Error).message });
      }
    }
    people.push({ label, crops });
  }
  return { people, skipped };
}
