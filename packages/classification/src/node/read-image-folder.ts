import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { type ImageSource, type RgbImage, decodeImage, resizeBilinear } from '@mobilenet-kit/image';
import type { ImageDataset } from '../data/dataset';
import { DatasetError } from '../errors';
import type { InputPreprocessing } from '../metadata';
import { centerSquare, rgbToPixelImage } from '../preprocess';

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
  /** Files inside the class folders that are not images by their extension (skipped, as Keras's image_dataset_from_directory does). */
  readonly skipped: readonly string[];
}

export interface ListImageFolderOptions {
  /** Fewest class subfolders accepted (training needs 2). Default 1. */
  readonly minClasses?: number;
}

/** Every non-hidden file below `dir` (subfolders included, as Keras walks them), sorted by path. */
async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesBelow(full)));
    else if (e.isFile()) out.push(full);
  }
  return out.sort();
}

const isImageFile = (file: string) => IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());

/**
 * Lists a folder with one subfolder per class (`root/cat/1.png`,
 * `root/dog/a.jpg`; Keras's image_dataset_from_directory layout): classes
 * are the subfolder names in sorted order, samples the image files in each
 * (subfolders included), sorted. Hidden entries are skipped, and so are
 * files that are not images by extension (listed in `skipped`). Fails on a
 * root without class folders, fewer classes than `minClasses`, or a class
 * without images, naming the folder and what it holds.
 */
export async function listImageFolder(root: string, options: ListImageFolderOptions = {}): Promise<ImageFolderListing> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    throw new DatasetError(`cannot list the image folder: ${(e as Error).message}`, root);
  }
  const classNames = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const layout = 'expected one subfolder per class holding its images: root/cat/1.jpg, root/dog/2.jpg';
  if (classNames.length === 0) {
    const images = entries.filter((e) => e.isFile() && isImageFile(e.name)).length;
    const held = images > 0 ? `; it holds ${images} image file${images === 1 ? '' : 's'} directly: move them into a folder per class` : '';
    throw new DatasetError(`has no class subfolders (${layout})${held}`, root);
  }
  const minClasses = options.minClasses ?? 1;
  if (classNames.length < minClasses) {
    throw new DatasetError(`has ${classNames.length} class subfolder${classNames.length === 1 ? '' : 's'} (${classNames.map((c) => JSON.stringify(c)).join(', ')}); a classifier needs at least ${minClasses} (${layout})`, root);
  }
  const samples: ImageFolderSample[] = [];
  const skipped: string[] = [];
  for (const [label, name] of classNames.entries()) {
    const dir = path.join(root, name);
    const files = await filesBelow(dir);
    const images = files.filter(isImageFile);
    skipped.push(...files.filter((f) => !isImageFile(f)));
    if (images.length === 0) {
      const others = files.length ? `; it holds ${files.length} other file${files.length === 1 ? '' : 's'} (${files.slice(0, 3).map((f) => path.relative(dir, f)).join(', ')}${files.length > 3 ? ', …' : ''})` : ' (it is empty)';
      throw new DatasetError(`class folder "${name}" holds no image files (${IMAGE_EXTENSIONS.join(', ')})${others}`, dir);
    }
    for (const file of images) samples.push({ file, label });
  }
  return { classNames, samples, skipped };
}

/** An image folder read into memory: the dataset, each sample's file and the files skipped. */
export interface ImageFolderDataset extends ImageDataset {
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

export interface ReadImageFolderOptions {
  /** Every image is resized (bilinear, stretched) to `size × size`. */
  readonly size: number;
  /** Keep one channel (the mean of R, G, B) instead of three. Default false. */
  readonly grayscale?: boolean;
  /** Take the centred square of each image before resizing (a model whose preprocessing says `crop: 'center'`). Default: stretch. */
  readonly crop?: 'center';
  /** Fewest classes accepted (see listImageFolder). Default 1. */
  readonly minClasses?: number;
  /** The decoder (default: @mobilenet-kit/image's decodeImage, sharp in Node). */
  readonly decode?: (source: ImageSource) => Promise<RgbImage>;
}

/**
 * Reads an image folder (see listImageFolder) into an ImageDataset: every
 * image decoded, resized to `size × size` and kept as bytes. A file that does
 * not decode fails with its path.
 */
export async function readImageFolder(root: string, options: ReadImageFolderOptions): Promise<ImageFolderDataset> {
  const { size } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`readImageFolder: size must be an integer ≥ 1, got ${size}`);
  const decode = options.decode ?? ((s: ImageSource) => decodeImage(s));
  const listing = await listImageFolder(root, options.minClasses !== undefined ? { minClasses: options.minClasses } : {});
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
    const resized = resizeBilinear(options.crop === 'center' ? centerSquare(rgbToPixelImage(decoded)) : decoded, size, size).data;
    const out = pixels.subarray(i * perImage, (i + 1) * perImage);
    for (let p = 0; p < size * size; p++) {
      if (channels === 1) out[p] = Math.round((resized[p * 3]! + resized[p * 3 + 1]! + resized[p * 3 + 2]!) / 3);
      else for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.min(255, Math.max(0, Math.round(resized[p * 3 + c]!)));
    }
    labels[i] = sample.label;
  }
  return { count: listing.samples.length, height: size, width: size, channels, pixels, labels, classNames: listing.classNames, files: listing.samples.map((s) => s.file), skipped: listing.skipped };
}

/**
 * Reads an image folder the way a classifier with this preprocessing sees
 * its images: gray or RGB, centre-cropped when the model crops, resized to
 * the content size (classify() and evaluateClassifier then place them on the
 * input canvas). For training (`minClasses: 2`) and evaluating on a folder.
 */
export function readImageFolderFor(root: string, preprocessing: InputPreprocessing, options: Pick<ReadImageFolderOptions, 'decode' | 'minClasses'> = {}): Promise<ImageFolderDataset> {
  return readImageFolder(root, { ...options, size: preprocessing.contentSize, grayscale: preprocessing.grayscale, ...(preprocessing.crop ? { crop: preprocessing.crop } : {}) });
}
