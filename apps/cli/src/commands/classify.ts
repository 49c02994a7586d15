import { classify } from '@mobilenet-kit/classification';
import { loadClassifier } from '@mobilenet-kit/classification/node';
import { decodeImage } from '@mobilenet-kit/image';
import { INFERENCE_BACKEND_FLAG, startDetectBackend } from '../detect-backends';
import { defineCommand } from '../command';
import { booleanFlag, numberFlag } from '../flags';
import { formatPercent } from '../format/numbers';
import { EXIT_OK } from '../io';

export const classifyCommand = defineCommand({
  name: 'classify',
  summary: 'classify image files with a trained classifier: the top-k labels and probabilities',
  description: [
    'Loads a model folder written by `mobilenet-kit train`, decodes each image (PNG, JPEG, WebP, … through sharp),',
    'preprocesses it as the model\'s metadata says (gray, padded or resized to the input, scaled to [-1, 1]) and',
    'prints its most probable classes.',
  ].join('\n'),
  positionals: [
    { name: 'model', description: 'a model folder (model.json and its shards)' },
    { name: 'images…', description: 'one or more image files', variadic: true },
  ],
  flags: {
    'top-k': numberFlag({ valueName: 'K', description: 'classes per image', allowed: 'an integer ≥ 1', default: '3', integer: true, min: 1 }),
    backend: INFERENCE_BACKEND_FLAG,
    json: booleanFlag('print [{ image, predictions: [{ label, index, probability }] }] as JSON'),
  },
  examples: ['mobilenet-kit classify run1/model shirt.png boot.jpg', 'mobilenet-kit classify run1/model shirt.png --top-k 5 --json'],
  async run({ flags, positionals }, io) {
    const [modelDir, ...files] = positionals as [string, ...string[]];
    const backend = flags.backend ?? 'wasm';
    await startDetectBackend(backend);
    const classifier = await loadClassifier(modelDir, { backend });
    try {
      const images = [];
      for (const file of files) images.push(await decodeImage(file));
      const results = await classify(classifier, images, { topK: flags['top-k'] ?? 3 });
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
