import { whereClassifiersComeFrom, resolveModelDir } from '../classifier-model';
import { defineCommand, type FlagSpec } from '../command';
import { INFERENCE_BACKEND_FLAG, startCommandBackend } from '../detect-backends';
import { ALLOW_SVG_FLAG, booleanFlag, numberFlag, pathFlag, INT8_FLAG } from '../flags';
import { formatPercent } from '../format/numbers';
import { EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

export const MODEL_DIR_FLAG: FlagSpec<string> = pathFlag('DIR', 'the classifier: a model folder (model.json and its shards) written by `mobilenet-kit train classifier`, `train fashion-mnist` or `import`');

export const classifyCommand = defineCommand({
  name: 'classify',
  summary: 'classify image files with a trained classifier: the top-k labels and probabilities',
  description: [
    'Loads the model folder given by --model (one that `mobilenet-kit import` wrote from a pretrained file, or that',
    '`mobilenet-kit train classifier` trained on your folder), decodes each image (PNG, JPEG, WebP, … through sharp),',
    "preprocesses it as the model's metadata says (gray, cropped, padded or resized to the input, scaled) and prints",
    'its most probable classes. A training output folder works too (its model/ subfolder is used).',
  ].join('\n'),
  positionals: [{ name: 'images…', description: 'one or more image files', variadic: true, optional: true }],
  flags: {
    'allow-svg': ALLOW_SVG_FLAG,
    model: MODEL_DIR_FLAG,
    'top-k': numberFlag({ valueName: 'K', description: 'classes per image', allowed: 'an integer ≥ 1', default: '5 (at most the classes)', integer: true, min: 1 }),
    backend: INFERENCE_BACKEND_FLAG,
    int8: INT8_FLAG,
    json: booleanFlag('print [{ image, predictions: [{ label, index, probability }] }] as JSON'),
  },
  examples: ['mobilenet-kit classify cat.jpg --model imported', 'mobilenet-kit classify shirt.png boot.jpg --model run1/model --top-k 3 --json'],
  async run({ flags, positionals }, io) {
    const files = [...positionals];
    if (flags.model === undefined) {
      const what = files.length ? `no --model for ${files.length === 1 ? files[0] : `${files.length} images`}` : 'no images and no --model';
      throw new UsageError(`mobilenet-kit classify: ${what}: mobilenet-kit classify <images…> --model <dir>.\n${whereClassifiersComeFrom()}`, 'classify');
    }
    const modelDir = await resolveModelDir(flags.model, 'classify');
    if (files.length === 0) throw new UsageError('mobilenet-kit classify: missing <images…>: mobilenet-kit classify <images…> --model <dir>', 'classify');
    const [{ classify }, { loadClassifier }, { decodeImage }] = await Promise.all([
      import('@mobilenet-kit/classification'),
      import('@mobilenet-kit/classification/node'),
      import('@mobilenet-kit/image'),
    ]);
    const int8 = flags.int8 === true ? await (await import('../int8-calibration')).readStoredInt8(modelDir, 'classify') : undefined;
    if (int8 && flags.backend !== undefined && flags.backend !== 'onnxruntime') throw new UsageError(`mobilenet-kit classify: --int8 runs on --backend onnxruntime, not ${flags.backend}`, 'classify');
    const { name: backend } = await startCommandBackend(int8 ? 'onnxruntime' : flags.backend, io, { json: flags.json });
    const classifier = await loadClassifier(modelDir, { backend, ...(int8 ? { backendOptions: (await import('../int8-calibration')).int8BackendOptions(int8) } : {}) });
    if (int8 && !flags.json) io.stderr.write(`int8: QDQ on onnxruntime, calibration from ${modelDir}/int8.json (${int8.method} on ${int8.images} images of ${int8.source})\n`);
    try {
      const images = [];
      for (const file of files) images.push(await decodeImage(file, { allowSvg: flags['allow-svg'] === true }));
      const results = await classify(classifier, images, { topK: flags['top-k'] ?? 5 });
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(files.map((image, i) => ({ image, predictions: results[i] })), null, 2)}\n`);
        return EXIT_OK;
      }
      files.forEach((file, i) => {
        const line = results[i]!.map((p) => `${p.label} ${formatPercent(100 * p.probability, 1)}`).join(', ');
        io.stdout.write(`${file}: ${line}\n`);
      });
      return EXIT_OK;
    } finally {
      classifier.dispose();
    }
  },
});
