import { access } from 'node:fs/promises';
import * as path from 'node:path';
import type { ImageDataset } from '../data/dataset';
import { FASHION_MNIST_APT_COMMAND, FASHION_MNIST_CLASSES, FASHION_MNIST_DEFAULT_DIR, type FashionMnistSplit, fashionMnistFiles } from '../data/fashion-mnist';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../data/idx';
import { DatasetError } from '../errors';
import { readIdxFile } from './read-idx-file';

/** The data are not where they were looked for; the message says how to install them. */
export class DatasetMissingError extends Error {
  override readonly name = 'DatasetMissingError';
  constructor(
    readonly dir: string,
    readonly missing: readonly string[],
  ) {
    super(
      `Fashion-MNIST not found in ${dir} (missing: ${missing.join(', ')}). ` +
        `Install it with \`${FASHION_MNIST_APT_COMMAND}\` (Debian/Ubuntu; files go to ${FASHION_MNIST_DEFAULT_DIR}), ` +
        'or point to a folder holding the four *-ubyte.gz files of the original distribution.',
    );
  }
}

/** The files of both splits that are missing from `dir`. */
export async function missingFashionMnistFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const split of ['train', 'test'] as const) {
    for (const f of Object.values(fashionMnistFiles(split))) {
      await access(path.join(dir, f)).catch(() => missing.push(f));
    }
  }
  return missing;
}

/**
 * Reads one split of Fashion-MNIST from `dir` (default: the Debian package's
 * folder). Checks both files' headers, that they hold the same number of
 * samples, that images are 28×28 and that every label is 0..9.
 */
export async function readFashionMnist(split: FashionMnistSplit, dir: string = FASHION_MNIST_DEFAULT_DIR): Promise<ImageDataset> {
  const files = fashionMnistFiles(split);
  const missing = await missingFashionMnistFiles(dir);
  if (missing.includes(files.images) || missing.includes(files.labels)) throw new DatasetMissingError(dir, missing);
  const imagesFile = path.join(dir, files.images);
  const labelsFile = path.join(dir, files.labels);
  const images = await readIdxFile(imagesFile, { magic: IDX_IMAGES_MAGIC });
  const labels = await readIdxFile(labelsFile, { magic: IDX_LABELS_MAGIC });
  const [count, height, width] = images.dims as [number, number, number];
  if (height !== 28 || width !== 28) throw new DatasetError(`images are ${height}×${width}; Fashion-MNIST images are 28×28`, imagesFile, 8);
  if (labels.dims[0] !== count) throw new DatasetError(`${labels.dims[0]} labels for the ${count} images of ${imagesFile}`, labelsFile, 4);
  const classes = FASHION_MNIST_CLASSES.length;
  for (let i = 0; i < count; i++) {
    // 8 header bytes before the first label.
    if (labels.data[i]! >= classes) throw new DatasetError(`label ${labels.data[i]} of sample ${i} is not a Fashion-MNIST class (0..${classes - 1})`, labelsFile, 8 + i);
  }
  return { count, height, width, channels: 1, pixels: images.data, labels: labels.data, classNames: FASHION_MNIST_CLASSES };
}
