import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, type RgbImage } from '@mobilenet-kit/image';
import { FaceOptionError } from '../errors';
import { readNpy } from './npy';

/** A photo to look for faces in, or a face crop given as such (lfw). */
export interface FacePhoto {
  /** Stable name: `<source>/<file>` (lfw: `lfw/<index>`). */
  readonly name: string;
  readonly image: RgbImage;
  /** True when the image is already a face crop (nothing to detect). */
  readonly isCrop: boolean;
}

/**
 * scikit-image's `lfw_subset.npy`: 200 gray 25×25 patches in [0, 1] (float64)
 * of which the first 100 are faces from Labeled Faces in the Wild and the
 * rest are not (skimage.data.lfw_subset's docstring). Returns the faces as
 * RGB crops (gray repeated).
 */
export function lfwSubsetFaces(bytes: Uint8Array, source = 'lfw_subset.npy'): RgbImage[] {
  const { shape, data } = readNpy(bytes, source);
  if (shape.length !== 3 || shape[0]! < 100) throw new FaceOptionError('lfwSubsetFaces', source, `shape [${shape.join(', ')}]`, 'expected [n ≥ 100, h, w] (scikit-image lfw_subset: 200 × 25 × 25)');
  const [, h, w] = shape as [number, number, number];
  const faces: RgbImage[] = [];
  for (let i = 0; i < 100; i++) {
    const rgb = new Uint8Array(h * w * 3);
    for (let p = 0; p < h * w; p++) {
      const v = Math.round(Math.min(1, Math.max(0, data[i * h * w + p]!)) * 255);
      rgb[3 * p] = v;
      rgb[3 * p + 1] = v;
      rgb[3 * p + 2] = v;
    }
    faces.push({ width: w, height: h, data: rgb });
  }
  return faces;
}

const IMAGE_FILE = /\.(jpe?g|png)$/i;

/**
 * Reads the face photos the project can use offline from `dirs` (each a
 * `{ source, dir }`: every .jpg/.png in it, sorted by name) and, when
 * given, the faces of scikit-image's lfw_subset.npy. Missing folders are
 * reported in `missing`, not thrown, so a partial set still trains.
 */
export async function readFacePhotos(options: { dirs: readonly { source: string; dir: string }[]; lfwSubset?: string }): Promise<{ photos: FacePhoto[]; missing: string[] }> {
  const photos: FacePhoto[] = [];
  const missing: string[] = [];
  for (const { source, dir } of options.dirs) {
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => IMAGE_FILE.test(f)).sort();
    } catch {
      missing.push(dir);
      continue;
    }
    for (const file of files) photos.push({ name: `${source}/${file}`, image: await decodeImage(path.join(dir, file)), isCrop: false });
  }
  if (options.lfwSubset) {
    try {
      const faces = lfwSubsetFaces(new Uint8Array(await readFile(options.lfwSubset)), options.lfwSubset);
      faces.forEach((image, i) => photos.push({ name: `lfw/${String(i).padStart(3, '0')}`, image, isCrop: true }));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') missing.push(options.lfwSubset);
      else throw e;
    }
  }
  return { photos, missing };
}
