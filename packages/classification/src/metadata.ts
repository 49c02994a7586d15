import { ClassificationOptionError, formatValue } from './errors';

/**
 * How an image becomes the network input: optionally made gray (mean of
 * R, G, B, repeated in the three channels), resized (bilinear) to
 * `contentSize²`, centred on a black `resolution²` canvas, then scaled to
 * [-1, 1] (x / 127.5 − 1, MobileNet's range). `contentSize` equal to the
 * resolution is a plain resize; Fashion-MNIST's 28×28 images in a 32 input
 * are padded (`contentSize` 28).
 */
export interface InputPreprocessing {
  readonly grayscale: boolean;
  readonly contentSize: number;
  /** 'center': the centred square of the image (side min(width, height)) is taken before resizing, as Teachable Machine does. Default: none (stretch). */
  readonly crop?: 'center';
  /** Pixel bytes become `byte / divisor + offset`. Default `{ divisor: 127.5, offset: -1 }` (Keras); Teachable Machine uses divisor 127. */
  readonly normalization?: { readonly divisor: number; readonly offset: number };
}

/** Keras's MobileNet input range: `byte / 127.5 − 1`. */
export const DEFAULT_NORMALIZATION = Object.freeze({ divisor: 127.5, offset: -1 });

/** What a classifier's model.json keeps in `metadata`. */
export interface ClassifierMetadata {
  readonly task: 'classification';
  readonly labels: readonly string[];
  /** Names of the graph input and of the probabilities output. */
  readonly input: string;
  readonly output: string;
  readonly preprocessing: InputPreprocessing;
  /** Free-form provenance (training settings, dataset, accuracy). */
  readonly training?: Record<string, unknown>;
}

export function checkPreprocessing(p: InputPreprocessing, resolution: number, where: string): void {
  if (typeof p.grayscale !== 'boolean') throw new ClassificationOptionError('preprocessing.grayscale', p.grayscale, 'true or false', where);
  if (!Number.isInteger(p.contentSize) || p.contentSize < 1 || p.contentSize > resolution) {
    throw new ClassificationOptionError('preprocessing.contentSize', p.contentSize, `an integer in 1..${resolution} (the input resolution)`, where);
  }
  if (p.crop !== undefined && p.crop !== 'center') throw new ClassificationOptionError('preprocessing.crop', p.crop, "'center' or absent", where);
  const n = p.normalization;
  if (n !== undefined && (typeof n !== 'object' || n === null || !Number.isFinite(n.divisor) || n.divisor === 0 || !Number.isFinite(n.offset))) {
    throw new ClassificationOptionError('preprocessing.normalization', n, '{ divisor, offset }: finite numbers, divisor ≠ 0', where);
  }
}

/** Reads classifier metadata from a model file's metadata, checking every field; `where` names the model. */
export function classifierMetadataFrom(metadata: Record<string, unknown> | undefined, resolution: number, where: string): ClassifierMetadata {
  if (metadata?.task !== 'classification') {
    const task = metadata?.task;
    const found = task === undefined ? (metadata === undefined ? 'has no metadata' : 'has no metadata.task') : `is a ${typeof task === 'string' ? JSON.stringify(task) : 'malformed'} model (metadata.task ${formatValue(task)})`;
    const error = new ClassificationOptionError('metadata.task', task, '', where);
    error.message = `${where}: not a classifier: the model ${found}; a classifier's is 'classification' (written by train classifier, train fashion-mnist or import)`;
    throw error;
  }
  const labels = metadata.labels;
  if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => typeof l !== 'string')) throw new ClassificationOptionError('metadata.labels', labels, 'a non-empty list of strings', where);
  const p = metadata.preprocessing as InputPreprocessing | undefined;
  if (!p || typeof p !== 'object') throw new ClassificationOptionError('metadata.preprocessing', p, '{ grayscale, contentSize }', where);
  checkPreprocessing(p, resolution, where);
  if (typeof metadata.input !== 'string' || typeof metadata.output !== 'string') throw new ClassificationOptionError('metadata.input/output', [metadata.input, metadata.output], 'node and output names', where);
  return metadata as unknown as ClassifierMetadata;
}
