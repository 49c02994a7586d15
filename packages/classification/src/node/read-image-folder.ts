import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { type ImageSource, type RgbImage, decodeImage, resizeBilinear } from '@mobilenet-kit/image';
import type { ImageDataset } from '../data/dataset';
import { DatasetError } from '../errors';

/** File extensions taken as images (case-insensitive). */
export const IMAGE_EXTENSIONS = Object.freeze(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']);

export interface ImageFolderSample {
  readonly file: string;
  readonly label: number;
}

export interface ImageFolderListing {
  /** Class names: the subfolder names, sorted. */
  readonly classNames: readonly string[];
  readonly samples: readonly ImageFolderSample[];
}

/**
 * Lists a folder with one subfolder per class (`root/cat/1.png`,
 * `root/dog/a.jpg`): classes are the subfolder names in sorted order, samples
 * the image files in each, sorted. Hidden entries are skipped. Fails on an
 * empty root or a class without images, naming the folder.
 */
export async function listImageFolder(root: string): Promise<ImageFolderListing> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    throw new DatasetError(`cannot list the image folder: ${(e as Error).message}`, root);
  }
  const classNames = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (classNames.length === 0) throw new DatasetError('has no class subfolders (expected one folder per class holding its images)', root);
  const samples: ImageFolderSample[] = [];
  for (const [label, name] of classNames.entries()) {
    const dir = path.join(root, name);
    const files = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    if (files.length === 0) throw new DatasetError(`class folder "${name}" holds no image files (${IMAGE_EXTENSIONS.join(', ')})`, dir);
    for (const f of files) samples.push({ file: path.join(dir, f), label });
  }
  return { classNames, samples };
}

export interface ReadImageFolderOptions {
  /** Every image is resized (bilinear, stretched) to `size × size`. */
  readonly size: number;
  /** Keep one channel (the mean of R, G, B) instead of three. Default false. */
  readonly grayscale?: boolean;
  /** The decoder (default: @mobilenet-kit/image's decodeImage, sharp in Node). */
  readonly decode?: (source: ImageSource) => Promise<RgbImage>;
}

/**
 * Reads an image folder (see listImageFolder) into an ImageDataset: every
 * image decoded, resized to `size × size` and kept as bytes. A file that does
 * not decode fails with its path.
 */
export async function readImageFolder(root: string, options: ReadImageFolderOptions): Promise<ImageDataset> {
  const { size } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`readImageFolder: size must be an integer ≥ 1, got ${size}`);
  const decode = options.decode ?? ((s: ImageSource) => decodeImage(s));
  const listing = await listImageFolder(root);
  const channels = options.grayscale ? 1 : 3;
  const perImage = size * size * channels;
  const pixels = new Uint8Array(listing.samples.length * perImage);
  const labels = new Int32Array(listing.samples.length);
  for (const [i, sample] of listing.samples.entries()) {
    let decoded: RgbImage;
    try {
      decoded = await decode(sample.file);
    } catch (e) {
      throw new DatasetError(`cannot decode the image: ${(e as Error).message}`, sample.file);
    }
    const resized = resizeBilinear(decoded, size, size).data;
    const out = pixels.subarray(i * perImage, (i + 1) * perImage);
    for (let p = 0; p < size * size; p++) {
      if (channels === 1) out[p] = Math.round((resized[p * 3]! + resized[p * 3 + 1]! + resized[p * 3 + 2]!) / 3);
      else for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.min(255, Math.max(0, Math.round(resized[p * 3 + c]!)));
    }
    labels[i] = sample.label;
  }
  return { count: listing.samples.length, height: size, width: size, channels, pixels, labels, classNames: listing.classNames };
}
