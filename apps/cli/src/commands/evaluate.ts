import { stat } from 'node:fs/promises';
import { FASHION_MNIST_DEFAULT_DIR } from '@mobilenet-kit/classification';
import { resolveModelDir } from '../classifier-model';
import { defineCommand } from '../command';
import { INFERENCE_BACKEND_FLAG, startCommandBackend } from '../detect-backends';
import { booleanFlag, numberFlag, pathFlag, INT8_FLAG } from '../flags';
import { formatPercent } from '../format/numbers';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

const FASHION_MNIST = 'fashion-mnist';

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: 'score a trained classifier on a test set: accuracy, top-5, per-class precision and recall, confusion matrix',
  description: [
    'Loads a model folder (labels and preprocessing in its metadata) and runs it through the chosen backend on a test',
    'set: fashion-mnist (its 10,000 test images) or a folder with one subfolder per class, named as the model\'s labels',
    '(it may hold some of them; a "/" in a label is "_" in the folder name). Prints per-class precision and recall',
    '(the fine-grained classes marked), accuracy, top-5 accuracy and the confusion matrix, or all of it as --json.',
  ].join('\n'),
  positionals: [
    { name: 'model', description: 'a model folder (model.json and its shards), or a training output folder holding model/' },
    { name: 'test set', description: `${FASHION_MNIST}, or a folder with one subfolder of images per class` },
  ],
  flags: {
    backend: INFERENCE_BACKEND_FLAG,
    int8: INT8_FLAG,
    data: pathFlag('DIR', 'folder with the Fashion-MNIST files', FASHION_MNIST_DEFAULT_DIR),
    limit: numberFlag({ valueName: 'N', description: 'evaluate on the first N test images only (a folder: in listing order)', allowed: 'an integer ≥ 1', default: 'all', integer: true, min: 1 }),
    json: booleanFlag('print { model, backend, dataset, count, accuracy, top5, perClass, confusion } as JSON'),
  },
  examples: ['mobilenet-kit evaluate run1/model fashion-mnist', 'mobilenet-kit evaluate pets/model photos/test --json', 'mobilenet-kit evaluate run1/model fashion-mnist --backend cpu --limit 1000 --json'],
  async run({ flags, positionals }, io) {
    const [modelArg, testSet] = positionals as [string, string];
    const isFolder = testSet !== FASHION_MNIST && (await stat(testSet).then((s) => s.isDirectory(), () => false));
    if (testSet !== FASHION_MNIST && !isFolder) {
      throw new UsageError(`mobilenet-kit evaluate: test set ${JSON.stringify(testSet)} is neither ${FASHION_MNIST} nor a folder (one subfolder of images per class)`, 'evaluate');
    }
    const modelDir = await resolveModelDir(modelArg, 'evaluate', '<model>');
    const [classification, node, support] = await Promise.all([import('@mobilenet-kit/classification'), import('@mobilenet-kit/classification/node'), import('../classification-support')]);
    const { evaluateClassifier, FASHION_MNIST_HARD_CLASSES, folderNameOf, remapClasses, takeSamples } = classification;
    const dataDir = flags.data ?? FASHION_MNIST_DEFAULT_DIR;
    if (!isFolder) {
      const missing = await node.missingFashionMnistFiles(dataDir);
      if (missing.includes('t10k-images-idx3-ubyte.gz') || missing.includes('t10k-labels-idx1-ubyte.gz')) {
        io.stderr.write(`mobilenet-kit evaluate: ${new node.DatasetMissingError(dataDir, missing).message}\n`);
        return EXIT_FAILURE;
      }
    }
    const int8 = flags.int8 === true ? await (await import('../int8-calibration')).readStoredInt8(modelDir, 'evaluate') : undefined;
    if (int8 && flags.backend !== undefined && flags.backend !== 'onnxruntime') throw new UsageError(`mobilenet-kit evaluate: --int8 runs on --backend onnxruntime, not ${flags.backend}`, 'evaluate');
    const { name: backend } = await startCommandBackend(int8 ? 'onnxruntime' : flags.backend, io, { json: flags.json });
    const classifier = await node.loadClassifier(modelDir, { backend, ...(int8 ? { backendOptions: (await import('../int8-calibration')).int8BackendOptions(int8) } : {}) });
    if (int8 && !flags.json) io.stderr.write(`int8: QDQ on onnxruntime, calibration from ${modelDir}/int8.json (${int8.method} on ${int8.images} images of ${int8.source})\n`);
    try {
      const full = isFolder
        ? remapClasses(await node.readImageFolderFor(testSet, classifier.metadata.preprocessing), classifier.labels, testSet)
        : await node.readFashionMnist('test', dataDir);
      const test = flags.limit !== undefined ? takeSamples(full, flags.limit) : full;
      const evaluation = await evaluateClassifier(classifier, test);
      const dataset = isFolder ? testSet : FASHION_MNIST;
      if (flags.json) {
        const { accuracy, top5, perClass, count } = evaluation;
        io.stdout.write(`${JSON.stringify({ model: modelArg, backend, dataset, count, accuracy, top5, perClass, confusion: Array.from(evaluation.confusion.counts) }, null, 2)}\n`);
        return EXIT_OK;
      }
      // Fashion-MNIST's fine-grained classes, also when a folder's classes are named after them.
      const hard = classifier.labels.filter((l) => FASHION_MNIST_HARD_CLASSES.some((h) => h === l || folderNameOf(h) === l));
      io.stdout.write(`${modelArg} on ${isFolder ? `the folder ${testSet}` : 'the Fashion-MNIST test set'} (${test.count} images), backend ${backend}\n\n`);
      io.stdout.write(support.renderReport(evaluation, hard));
      io.stdout.write(`top-5 accuracy: ${formatPercent(100 * evaluation.top5, 2)}\n\nconfusion matrix:\n${support.renderConfusion(evaluation, classifier.labels)}\n`);
      return EXIT_OK;
    } finally {
      classifier.dispose();
    }
  },
});
