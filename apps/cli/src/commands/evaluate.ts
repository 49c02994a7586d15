import { evaluateClassifier, FASHION_MNIST_DEFAULT_DIR, FASHION_MNIST_HARD_CLASSES, takeSamples } from '@mobilenet-kit/classification';
import { DatasetMissingError, loadClassifier, missingFashionMnistFiles, readFashionMnist } from '@mobilenet-kit/classification/node';
import { BACKEND_FLAG, renderConfusion, renderReport, startBackend } from '../classification-support';
import { defineCommand } from '../command';
import { booleanFlag, numberFlag } from '../flags';
import { formatPercent } from '../format/numbers';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

const DATASETS = ['fashion-mnist'] as const;

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: 'score a trained classifier on a test set: accuracy, top-5, per-class precision and recall, confusion matrix',
  description: [
    'Loads a model folder written by `mobilenet-kit train` (labels and preprocessing in its metadata), runs it on the',
    'Fashion-MNIST test set (10,000 images) through the chosen backend and prints per-class precision and recall',
    '(the fine-grained classes marked), accuracy, top-5 accuracy and the confusion matrix.',
  ].join('\n'),
  positionals: [
    { name: 'model', description: 'a model folder (model.json and its shards)' },
    { name: 'dataset', description: `the test set: ${DATASETS.join(', ')}` },
  ],
  flags: {
    backend: BACKEND_FLAG,
    data: { type: 'string', valueName: 'DIR', description: 'folder with the Fashion-MNIST files', default: FASHION_MNIST_DEFAULT_DIR, parse: (raw) => (typeof raw === 'string' && raw ? raw : undefined) },
    limit: numberFlag({ valueName: 'N', description: 'evaluate on the first N test images only', allowed: 'an integer ≥ 1', default: 'all', integer: true, min: 1 }),
    json: booleanFlag('print { accuracy, top5, perClass, confusion } as JSON'),
  },
  examples: ['mobilenet-kit evaluate run1/model fashion-mnist', 'mobilenet-kit evaluate run1/model fashion-mnist --backend cpu --limit 1000 --json'],
  async run({ flags, positionals }, io) {
    const [modelDir, dataset] = positionals as [string, string];
    if (!(DATASETS as readonly string[]).includes(dataset)) throw new UsageError(`mobilenet-kit evaluate: unknown dataset ${JSON.stringify(dataset)} (datasets: ${DATASETS.join(', ')})`, 'evaluate');
    const dataDir = (flags.data as string | undefined) ?? FASHION_MNIST_DEFAULT_DIR;
    const missing = await missingFashionMnistFiles(dataDir);
    if (missing.includes('t10k-images-idx3-ubyte.gz') || missing.includes('t10k-labels-idx1-ubyte.gz')) {
      io.stderr.write(`mobilenet-kit evaluate: ${new DatasetMissingError(dataDir, missing).message}\n`);
      return EXIT_FAILURE;
    }
    const backend = flags.backend ?? 'wasm';
    await startBackend(backend);
    const classifier = await loadClassifier(modelDir, { backend });
    try {
      const full = await readFashionMnist('test', dataDir);
      const test = flags.limit !== undefined ? takeSamples(full, flags.limit) : full;
      const evaluation = await evaluateClassifier(classifier, test);
      if (flags.json) {
        const { accuracy, top5, perClass, count } = evaluation;
        io.stdout.write(`${JSON.stringify({ model: modelDir, backend, count, accuracy, top5, perClass, confusion: Array.from(evaluation.confusion.counts) }, null, 2)}\n`);
        return EXIT_OK;
      }
      io.stdout.write(`${modelDir} on the Fashion-MNIST test set (${test.count} images), backend ${backend}\n\n`);
      io.stdout.write(renderReport(evaluation, FASHION_MNIST_HARD_CLASSES));
      io.stdout.write(`top-5 accuracy: ${formatPercent(100 * evaluation.top5, 2)}\n\nconfusion matrix:\n${renderConfusion(evaluation, classifier.labels)}\n`);
      return EXIT_OK;
    } finally {
      classifier.dispose();
    }
  },
});
