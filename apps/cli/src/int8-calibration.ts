import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Graph, HostTensor, Weights } from '@mobilenet-kit/core';
import type { CalibrationMethod, CalibrationRanges, OnnxLayout } from '@mobilenet-kit/onnx';
import { UsageError } from './usage-error';

/** The file in a model folder that holds its int8 calibration (written by `export --quantize int8`). */
export const INT8_FILE = 'int8.json';
export const INT8_FORMAT = 'mobilenet-kit-int8-calibration';
/** Calibration uses at most this many images (the first, in sorted path order; Fashion-MNIST: its first training images). */
export const MAX_CALIBRATION_IMAGES = 256;
export const CALIBRATION_DATASETS = ['fashion-mnist'] as const;
const IMAGE_FILE = /\.(jpe?g|png|webp|gif|tiff?|avif)$/i;

export interface StoredInt8 {
  readonly format: typeof INT8_FORMAT;
  readonly method: CalibrationMethod;
  /** The export settings the tensor names belong to. */
  readonly opset: number;
  readonly layout: OnnxLayout;
  readonly images: number;
  readonly source: string;
  readonly ranges: CalibrationRanges;
}

type CalibrationBatches = { batches: Readonly<Record<string, HostTensor>>[]; images: number };

async function imageFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const entry of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile() && IMAGE_FILE.test(entry.name)) found.push(p);
      if (found.length >= MAX_CALIBRATION_IMAGES) return;
    }
  };
  await walk(dir);
  return found.slice(0, MAX_CALIBRATION_IMAGES);
}

/** The calibration images of a folder (at most MAX_CALIBRATION_IMAGES); a folder with none is a usage error. */
async function calibrationFiles(folder: string, command: string): Promise<string[]> {
  const files = await imageFiles(folder);
  if (files.length === 0) throw new UsageError(`mobilenet-kit ${command}: no calibration images: the folder ${folder} holds no image files (.jpg, .png, .webp, …)`, command);
  return files;
}

/**
 * Runs `feed` on a recorder of the onnxruntime backend (registered for the
 * call only) and returns the network inputs it recorded.
 */
async function recordOnOnnxruntime(feed: (backend: string) => Promise<number>): Promise<CalibrationBatches> {
  const [{ calibrationRecorder, registerOnnxruntimeBackend }, { registerBackend, unregisterBackend, listBackends }] = await Promise.all([
    import('@mobilenet-kit/backend-onnxruntime'),
    import('@mobilenet-kit/core'),
  ]);
  if (!listBackends().includes('onnxruntime')) await registerOnnxruntimeBackend().init?.();
  const recorder = calibrationRecorder('onnxruntime');
  registerBackend(recorder.backend);
  try {
    const images = await feed(recorder.backend.name);
    return { batches: recorder.batches, images };
  } finally {
    unregisterBackend(recorder.backend.name);
  }
}

/**
 * The network inputs to calibrate on, preprocessed as the model will be fed:
 * a classifier (metadata task 'classification') through its own
 * preprocessing, a face embedder (metadata faceEmbedder) through its crop
 * normalization, anything else stretched to the input and scaled to [-1, 1]
 * (MobileNet's). `source` is 'fashion-mnist' (its first training images; a
 * classifier only) or a folder of images (searched recursively, at most 256).
 * The fp32 head runs on onnxruntime through a recorder of its inputs.
 */
export async function calibrationInputs(
  graph: Graph,
  weights: Weights,
  metadata: Record<string, unknown> | undefined,
  source: string,
  options: { modelDir?: string; dataDir?: string; command: string },
): Promise<CalibrationBatches> {
  const isDataset = (CALIBRATION_DATASETS as readonly string[]).includes(source);
  const isFolder = !isDataset && (await stat(source).then((s) => s.isDirectory(), () => false));
  if (!isDataset && !isFolder) throw new UsageError(`mobilenet-kit ${options.command}: --calibrate ${source} is neither ${CALIBRATION_DATASETS.join(' nor ')} nor a folder of images`, options.command);
  const isClassifier = metadata?.task === 'classification';
  const isEmbedder = metadata !== undefined && typeof metadata.faceEmbedder === 'object' && metadata.faceEmbedder !== null;
  if (isDataset && !isClassifier) throw new UsageError(`mobilenet-kit ${options.command}: --calibrate ${source} calibrates a Fashion-MNIST classifier (a model folder from train fashion-mnist); give a folder of images for this model`, options.command);
  const files = isFolder ? await calibrationFiles(source, options.command) : [];
  const { decodeImage, preprocess } = await import('@mobilenet-kit/image');

  if (!isClassifier && !isEmbedder) {
    const input = graph.nodes.find((n) => n.op === 'input');
    const shape = (input?.attrs as { shape?: readonly (number | null)[] } | undefined)?.shape ?? [];
    const [h, w] = [shape[1], shape[2]];
    if (typeof h !== 'number' || typeof w !== 'number' || shape[3] !== 3) throw new Error(`${options.command}: int8 calibration needs an input of [n, height, width, 3], got ${JSON.stringify(shape)}`);
    const batches = [];
    for (const f of files) batches.push({ [input!.name]: preprocess(await decodeImage(f), { size: [h, w] }).input });
    return { batches, images: files.length };
  }

  return recordOnOnnxruntime(async (backend) => {
    if (isClassifier) {
      const { classProbabilities, createClassifier, datasetImage } = await import('@mobilenet-kit/classification');
      const classifier = await createClassifier(graph, weights, metadata, { backend });
      try {
        if (isDataset) {
          const { readFashionMnist } = await import('@mobilenet-kit/classification/node');
          const train = await readFashionMnist('train', options.dataDir);
          const images = Array.from({ length: Math.min(MAX_CALIBRATION_IMAGES, train.count) }, (_, i) => datasetImage(train, i));
          await classProbabilities(classifier, images, 32);
          return images.length;
        }
        for (const f of files) await classProbabilities(classifier, [await decodeImage(f)], 1);
      } finally {
        classifier.dispose();
      }
    } else {
      if (options.modelDir === undefined) throw new Error(`${options.command}: a face embedder is calibrated from its model folder`);
      const { loadEmbedderModel } = await import('@mobilenet-kit/face');
      const embedder = await loadEmbedderModel(options.modelDir, { backend });
      try {
        for (const f of files) await embedder.embed(await decodeImage(f));
      } finally {
        embedder.dispose();
      }
    }
    return files.length;
  });
}

/** The stored calibration of a model folder, checked; an error that says how to make one when it is missing. */
export async function readStoredInt8(modelDir: string, command: string): Promise<StoredInt8> {
  const file = path.join(modelDir, INT8_FILE);
  const [{ parseJsonBounded }, { InputFileError, readRegularFile }] = await Promise.all([import('@mobilenet-kit/core'), import('@mobilenet-kit/core/node')]);
  let bytes: Uint8Array;
  try {
    // A regular file only (a FIFO would block the read), as every other sidecar of a model folder.
    bytes = await readRegularFile(file, { what: 'int8 calibration' });
  } catch (e) {
    if (!(e instanceof InputFileError && e.problem === 'not-found')) throw e;
    throw new UsageError(
      `mobilenet-kit ${command}: --int8 needs the model's calibration, and ${file} does not exist: make it with mobilenet-kit export ${modelDir} --format onnx --quantize int8 --calibrate <folder|fashion-mnist> --out <file.onnx>`,
      command,
    );
  }
  let stored: StoredInt8;
  try {
    stored = parseJsonBounded(bytes, { file }) as StoredInt8;
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message.replace(`${file}: `, '')}`);
  }
  if (stored?.format !== INT8_FORMAT || typeof stored.ranges !== 'object' || stored.ranges === null) throw new Error(`${file} is not an int8 calibration file (format ${JSON.stringify(stored?.format)}, expected ${INT8_FORMAT})`);
  for (const [name, r] of Object.entries(stored.ranges)) {
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max) || r.min > r.max) throw new Error(`${file}: the range of "${name}" is not [min ≤ max] finite numbers`);
  }
  return stored;
}

/** backendOptions for a model folder run with --int8 on onnxruntime: the stored ranges and the export settings they belong to. */
export function int8BackendOptions(stored: StoredInt8): Record<string, unknown> {
  return { int8: { ranges: stored.ranges }, opset: stored.opset, layout: stored.layout };
}

/**
 * Network inputs of a detector on the photos of `folder`, as its own
 * preprocessing makes them: `load(backend)` loads the fp32 detector on a
 * recorder of onnxruntime, which detects in every photo.
 */
export async function detectorCalibrationInputs(
  load: (backend: string) => Promise<{ detect(image: import('@mobilenet-kit/image').RgbImage): Promise<unknown>; dispose(): void }>,
  folder: string,
  command: string,
): Promise<CalibrationBatches> {
  if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) throw new UsageError(`mobilenet-kit ${command}: --calibrate ${folder} is not a folder of images`, command);
  const files = await calibrationFiles(folder, command);
  const { decodeImage } = await import('@mobilenet-kit/image');
  return recordOnOnnxruntime(async (backend) => {
    const detector = await load(backend);
    try {
      for (const f of files) await detector.detect(await decodeImage(f));
    } finally {
      detector.dispose();
    }
    return files.length;
  });
}
