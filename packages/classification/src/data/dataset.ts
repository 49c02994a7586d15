/**
 * Images of one size with integer labels, held as bytes: what the readers
 * return and what training and evaluation take. `pixels` holds
 * `count · height · width · channels` values 0..255, row-major HWC per image.
 */
export interface ImageDataset {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** 1 (grayscale, e.g. Fashion-MNIST) or 3 (RGB). */
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
  /** The class index of each image. */
  readonly labels: Uint8Array | Int32Array;
  /** Class names by index. */
  readonly classNames: readonly string[];
}

/** The dataset restricted to `indices` (copied), in that order. */
export function selectSamples(dataset: ImageDataset, indices: readonly number[] | Int32Array): ImageDataset {
  const size = dataset.height * dataset.width * dataset.channels;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (!Number.isInteger(j) || j < 0 || j >= dataset.count) throw new RangeError(`selectSamples: index ${j} is outside 0..${dataset.count - 1}`);
    pixels.set(dataset.pixels.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = dataset.labels[j]!;
  }
  return { ...dataset, count: indices.length, pixels, labels };
}

/** The first `n` samples (all if n ≥ count). */
export function takeSamples(dataset: ImageDataset, n: number): ImageDataset {
  if (n >= dataset.count) return dataset;
  return selectSamples(dataset, Int32Array.from({ length: n }, (_, i) => i));
}

/** Checks that sizes, pixel and label counts agree and that every label names a class. */
export function checkDataset(dataset: ImageDataset, what = 'dataset'): void {
  const { count, height, width, channels } = dataset;
  if (dataset.pixels.length !== count * height * width * channels) {
    throw new RangeError(`${what}: ${dataset.pixels.length} pixel values, expected ${count}·${height}·${width}·${channels} = ${count * height * width * channels}`);
  }
  if (dataset.labels.length !== count) throw new RangeError(`${what}: ${dataset.labels.length} labels for ${count} images`);
  for (let i = 0; i < count; i++) {
    const l = dataset.labels[i]!;
    if (l < 0 || l >= dataset.classNames.length) throw new RangeError(`${what}: label ${l} of image ${i} is outside 0..${dataset.classNames.length - 1} (${dataset.classNames.length} classes)`);
  }
}

/** A label as a folder name can hold it: `/`, `\\` and `:` become `_` (Fashion-MNIST's "T-shirt/top" is the folder T-shirt_top). */
export function folderNameOf(label: string): string {
  return label.replace(/[/\\:]/g, '_');
}

/**
 * The dataset with its class indices renumbered to `labels` (a model's
 * labels) by class name: a dataset may hold some of the model's classes, in
 * any order, but no class the model does not know. A class named as a
 * folder can hold a label (folderNameOf) matches that label. `where` names
 * the dataset in errors.
 */
export function remapClasses(dataset: ImageDataset, labels: readonly string[], where = 'dataset'): ImageDataset {
  const index = new Map(labels.map((l, i) => [l, i]));
  labels.forEach((l, i) => {
    if (!index.has(folderNameOf(l))) index.set(folderNameOf(l), i);
  });
  const unknown = dataset.classNames.filter((c) => !index.has(c));
  if (unknown.length > 0) {
    throw new RangeError(`${where}: class${unknown.length === 1 ? '' : 'es'} ${unknown.map((c) => JSON.stringify(c)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the model's labels (${labels.join(', ')})`);
  }
  const map = dataset.classNames.map((c) => index.get(c)!);
  if (map.length === labels.length && map.every((m, i) => m === i)) return dataset;
  return { ...dataset, labels: Int32Array.from(dataset.labels, (l) => map[l]!), classNames: [...labels] };
}
