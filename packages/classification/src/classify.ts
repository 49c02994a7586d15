import { analyzeGraph, compile, type CompiledModel, type CompileOptions, type Graph, type HostTensor, type Weights } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import { ClassificationOptionError } from './errors';
import { type ClassifierMetadata, classifierMetadataFrom } from './metadata';
import { imagesToInput, type PixelImage, rgbToPixelImage } from './preprocess';

export interface ClassPrediction {
  readonly label: string;
  readonly index: number;
  readonly probability: number;
}

/** A compiled classifier: the network on a backend, its labels and how it wants its images. */
export interface Classifier {
  readonly model: CompiledModel;
  readonly metadata: ClassifierMetadata;
  readonly labels: readonly string[];
  /** Input height = width. */
  readonly resolution: number;
  dispose(): void;
}

export interface CreateClassifierOptions extends CompileOptions {
  /** The backend to run on, by its registered name ('cpu', 'wasm', …). */
  readonly backend: string;
}

/**
 * Compiles a classifier graph (classifierHead's, or a loaded model's) through
 * core's registry. `metadata` is the model file's metadata (labels,
 * preprocessing). The backend package must have been imported and registered.
 */
export async function createClassifier(graph: Graph, weights: Weights, metadata: Record<string, unknown> | ClassifierMetadata | undefined, options: CreateClassifierOptions): Promise<Classifier> {
  const info = analyzeGraph(graph);
  const inputShape = info.shapes.get(info.inputs[0]!)!;
  const resolution = inputShape[1] as number;
  const meta = classifierMetadataFrom(metadata as Record<string, unknown> | undefined, resolution, `classifier "${graph.name}"`);
  const output = graph.outputs.find((o) => o.name === meta.output);
  if (!output) throw new ClassificationOptionError('metadata.output', meta.output, `an output of the graph (${graph.outputs.map((o) => o.name).join(', ')})`, 'createClassifier');
  const classes = info.shapes.get(output.node)!.at(-1);
  if (classes !== meta.labels.length) throw new ClassificationOptionError('metadata.labels', `${meta.labels.length} labels`, `one per class: the output has ${classes} classes`, 'createClassifier');
  const model = await compile(graph, weights, options);
  return { model, metadata: meta, labels: meta.labels, resolution, dispose: () => model.dispose() };
}

export interface ClassifyOptions {
  /** How many classes to return per image, most probable first. Default 5 (at most the number of classes). */
  readonly topK?: number;
  /** Images per run of the network. Default 32. */
  readonly batchSize?: number;
}

type ClassifyInput = RgbImage | PixelImage;

function isImageList(x: ClassifyInput | readonly ClassifyInput[]): x is readonly ClassifyInput[] {
  return Array.isArray(x);
}

/** The probabilities of every class for each image, `[n, classes]` row-major. */
export async function classProbabilities(classifier: Classifier, images: readonly ClassifyInput[], batchSize = 32): Promise<HostTensor> {
  const classes = classifier.labels.length;
  const out = new Float32Array(images.length * classes);
  const inputName = classifier.model.inputs[0]!.name;
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize).map((im) => ('channels' in im ? im : rgbToPixelImage(im)));
    const input = imagesToInput(batch, classifier.metadata.preprocessing, classifier.resolution);
    const result = await classifier.model.run({ [inputName]: input });
    const probs = result[classifier.metadata.output];
    if (!probs) throw new Error(`classify: the model returned no output "${classifier.metadata.output}"`);
    out.set(probs.data, start * classes);
  }
  return { shape: [images.length, classes], data: out };
}

/** The k most probable classes of one row of probabilities (ties: lower index first). */
export function topClasses(probabilities: ArrayLike<number>, labels: readonly string[], k: number): ClassPrediction[] {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  return order.slice(0, k).map((index) => ({ label: labels[index]!, index, probability: probabilities[index]! }));
}

/**
 * Classifies one image (→ its top-k classes) or a list (→ one list per
 * image). Images are RgbImage (from @mobilenet-kit/image's decodeImage) or
 * gray/RGB byte images; each is preprocessed as the model's metadata says.
 */
export async function classify(classifier: Classifier, images: ClassifyInput, options?: ClassifyOptions): Promise<ClassPrediction[]>;
export async function classify(classifier: Classifier, images: readonly ClassifyInput[], options?: ClassifyOptions): Promise<ClassPrediction[][]>;
export async function classify(classifier: Classifier, images: ClassifyInput | readonly ClassifyInput[], options: ClassifyOptions = {}): Promise<ClassPrediction[] | ClassPrediction[][]> {
  const classes = classifier.labels.length;
  const topK = options.topK ?? Math.min(5, classes);
  if (!Number.isInteger(topK) || topK < 1) throw new ClassificationOptionError('topK', topK, 'an integer ≥ 1', 'classify');
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ClassificationOptionError('batchSize', batchSize, 'an integer ≥ 1', 'classify');
  const list = isImageList(images) ? images : [images];
  const probs = await classProbabilities(classifier, list, batchSize);
  const k = Math.min(topK, classes);
  const results = list.map((_, i) => topClasses(probs.data.subarray(i * classes, (i + 1) * classes), classifier.labels, k));
  return isImageList(images) ? results : results[0]!;
}
