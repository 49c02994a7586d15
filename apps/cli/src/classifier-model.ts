/**
 * Finding the model folder a classification command was given, and telling a
 * newcomer where a classifier comes from when there is none. Light imports
 * only (node:fs, node:path): used before anything heavy loads.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError } from './usage-error';

/**
 * The pretrained MobileNet v1 files `mobilenet-kit import` reads today. Keep to what works (each is
 * tested against its own format's library): a newcomer told otherwise loses an hour.
 */
export const PRETRAINED_SOURCES = [
  "Keras Applications' weights mobilenet_1_0_224_tf.h5 (https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/mobilenet_1_0_224_tf.h5; other α and sizes beside it), or any Keras MobileNet v1 saved as .h5",
  "a tfjs layers model.json with its weight files (what tfjs's model.save() writes, or tensorflowjs_converter --output_format tfjs_layers_model from a Keras MobileNet)",
  'a Teachable Machine image export (model.json, weights.bin, metadata.json)',
  "a tfjs graph model (model.json with \"format\": \"graph-model\" and its group1-shard…bin files: TF Hub's MobileNet v1 classifiers as @tensorflow-models/mobilenet loads them, https://tfhub.dev/google/imagenet/mobilenet_v1_100_224/classification/1/model.json?tfjs-format=file and the shards it names)",
  'an ONNX MobileNet v1 (.onnx: what mobilenet-kit export writes, and the Conv / BatchNormalization / Clip / Gemm layout tf2onnx writes)',
] as const;

/** What to do without a classifier: import a pretrained one, or train one on a folder. */
export function whereClassifiersComeFrom(): string {
  return [
    'A classifier is a model folder; make one of two ways:',
    `  1. import a pretrained MobileNet v1 file (downloaded once; everything after is offline): ${PRETRAINED_SOURCES.join('; ')}:`,
    '       mobilenet-kit import <file> --out <dir>',
    '  2. train one on your images, a folder with one subfolder per class (cats/…, dogs/…):',
    '       mobilenet-kit train classifier <folder> --out <dir>',
    'then: mobilenet-kit classify <images…> --model <dir>',
  ].join('\n');
}

const IMAGE_FILE = /\.(png|jpe?g|webp|gif|tiff?|avif|bmp)$/i;
const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);
const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * The model folder at `dir`: the folder itself when it holds model.json, or
 * its `model/` subfolder (the output folder of `mobilenet-kit train …`). A
 * photo, a missing path or a folder without a model is a usage error that
 * says what to do (`flag`: how the command took the path, for the message).
 */
export async function resolveModelDir(dir: string, command: string, flag = '--model'): Promise<string> {
  const where = `mobilenet-kit ${command}`;
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UsageError(`${where}: ${flag} ${dir}: no such file or folder.\n${whereClassifiersComeFrom()}`, command);
  if (info.isFile()) {
    const what = IMAGE_FILE.test(dir) ? 'is an image, not a model folder' : 'is a file, not a model folder (a folder holding model.json)';
    const hint = IMAGE_FILE.test(dir) && command === 'classify' ? ` (images go before the flags: mobilenet-kit classify ${dir} --model <dir>)` : '';
    throw new UsageError(`${where}: ${flag} ${dir} ${what}${hint}.\n${whereClassifiersComeFrom()}`, command);
  }
  // A model.json that is there but no regular file (a FIFO, a folder) is the loader's to refuse, by its kind.
  if (await exists(path.join(dir, 'model.json'))) return dir;
  if (await isFile(path.join(dir, 'model', 'model.json'))) return path.join(dir, 'model');
  throw new UsageError(`${where}: ${flag} ${dir} holds no model.json (nor ${path.join(dir, 'model', 'model.json')}).\n${whereClassifiersComeFrom()}`, command);
}
