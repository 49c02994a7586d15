import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { MOBILENET_V1_VARIANTS, initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import {
  classifierHead,
  createClassifier,
  evaluateClassifier,
  FASHION_MNIST_APT_COMMAND,
  FASHION_MNIST_DEFAULT_DIR,
  FASHION_MNIST_HARD_CLASSES,
  takeSamples,
} from '@mobilenet-kit/classification';
import { DatasetMissingError, missingFashionMnistFiles, readFashionMnist } from '@mobilenet-kit/classification/node';
import { createThreadWorkers, trainClassifier, type TrainConfig } from '@mobilenet-kit/classification/training';
import { graphCost } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BACKEND_FLAG, formatDuration, renderReport } from '../classification-support';
import { startCommandBackend } from '../detect-backends';
import { prepareCheckpointDir, recipeFromFlags, trainingProgress, workerSetupModule, writeTrainingRun } from '../classifier-training';
import { defineCommand } from '../command';
import { booleanFlag, choiceFlag, numberFlag, pathFlag } from '../flags';
import { formatCount, formatPercent } from '../format/numbers';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';
import { trainClassifierCommand } from './train-classifier';
import { trainFaceAttributesCommand } from './train-face-attributes';
import { trainFaceDistillCommand } from './train-face-distill';
import { trainFacesCommand } from './train-faces';

const DATASETS = ['fashion-mnist'] as const;

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train a MobileNet v1 classifier on Fashion-MNIST, with checkpoints and --resume',
  description: [
    'Trains a MobileNet v1 (random initialization) with a classifier head on Fashion-MNIST with the paper\'s recipe:',
    'RMSProp (decay 0.9, momentum 0.9, epsilon 1.0), learning-rate warm-up and exponential decay, BN in training mode,',
    'L2 on conv and FC kernels but not on depthwise filters, shift and flip augmentation, a 5% validation split.',
    'The 28x28 gray images are padded (centred) to the input resolution. After every epoch a checkpoint is written',
    'atomically to <out>/checkpoint; --resume continues from it exactly. At the end: <out>/model (the model folder,',
    'labels in its metadata), <out>/report.json, <out>/curves.png (loss and accuracy) and <out>/confusion.png.',
    `Data: ${FASHION_MNIST_DEFAULT_DIR} (Debian: ${FASHION_MNIST_APT_COMMAND}) or --data.`,
    'Your own images, one folder per class: mobilenet-kit train classifier. Face embeddings: train face-distill and train faces (see their --help).',
  ].join('\n'),
  positionals: [{ name: 'dataset', description: `the dataset: ${DATASETS.join(', ')}` }],
  flags: {
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier α', allowed: 'a number > 0', default: '0.5', min: 0, exclusiveMin: true }),
    resolution: numberFlag({ valueName: 'R', description: 'input height and width; images are padded from 28', allowed: 'an integer ≥ 32', default: '32', integer: true, min: 32 }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total, so a run can be extended)', allowed: 'an integer ≥ 1', default: '10', integer: true, min: 1 }),
    'batch-size': numberFlag({ valueName: 'B', description: 'images per step', allowed: 'an integer ≥ 1', default: '64', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'base learning rate after the warm-up', allowed: 'a number > 0', default: '0.045', min: 0, exclusiveMin: true }),
    'warmup-epochs': numberFlag({ valueName: 'E', description: 'linear learning-rate warm-up, in epochs', allowed: 'a number ≥ 0', default: '0.5', min: 0 }),
    'decay-rate': numberFlag({ valueName: 'D', description: 'learning-rate decay factor (TF-slim: 0.94)', allowed: 'a number > 0 and ≤ 1', default: '0.94', min: 0, exclusiveMin: true }),
    'decay-epochs': numberFlag({ valueName: 'E', description: 'epochs per decay step (TF-slim: 2)', allowed: 'a number > 0', default: '2', min: 0, exclusiveMin: true }),
    backend: BACKEND_FLAG,
    out: pathFlag('DIR', 'output folder (model, checkpoint, report, charts)', './fashion-mnist-run'),
    resume: booleanFlag('continue from <out>/checkpoint (its settings are kept; --epochs may extend the run)'),
    data: pathFlag('DIR', 'folder with the four *-ubyte.gz files', FASHION_MNIST_DEFAULT_DIR),
    limit: numberFlag({ valueName: 'N', description: 'train on the first N training images only', allowed: 'an integer ≥ 10', default: 'all 60,000', integer: true, min: 10 }),
    'test-limit': numberFlag({ valueName: 'N', description: 'evaluate on the first N test images only', allowed: 'an integer ≥ 1', default: 'all 10,000', integer: true, min: 1 }),
    seed: numberFlag({ valueName: 'S', description: 'seed of initialization, split, shuffling, augmentation and dropout', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
    fit: choiceFlag({ valueName: 'F', description: 'pad the 28x28 images to the resolution, or resize them to it', choices: ['pad', 'resize'] as const, default: 'pad' }),
    variant: choiceFlag({ valueName: 'V', description: "Table 1, or Table 5's shallow net (no 14x14x512 blocks: fewer layers, trains faster)", choices: MOBILENET_V1_VARIANTS, default: 'standard' }),
    'no-augment': booleanFlag('train without shifts and flips'),
    'label-smoothing': numberFlag({ valueName: 'E', description: 'label smoothing (targets y*(1-E) + E/10, as Keras and tfjs do it)', allowed: 'a number ≥ 0 and < 1', default: '0', min: 0, max: 1, exclusiveMax: true }),
    dropout: numberFlag({ valueName: 'P', description: "dropout rate before the classifier's dense layer", allowed: 'a number ≥ 0 and < 1', default: '0.001', min: 0, max: 1, exclusiveMax: true }),
    threads: numberFlag({
      valueName: 'T',
      description: 'data-parallel threads: each batch is cut into T shards (BN statistics per shard, as on T GPUs) computed at once (at most one per core)',
      allowed: 'an integer ≥ 1',
      default: '1',
      integer: true,
      min: 1,
    }),
    force: booleanFlag('start over: replace a checkpoint left in <out> instead of refusing'),
  },
  subcommands: [trainClassifierCommand, trainFaceDistillCommand, trainFaceAttributesCommand, trainFacesCommand],
  examples: ['mobilenet-kit train fashion-mnist --alpha 0.5 --epochs 10 --out run1', 'mobilenet-kit train fashion-mnist --out run1 --resume', 'mobilenet-kit train fashion-mnist --limit 3000 --epochs 3 --out quick'],
  async run({ flags, positionals }, io) {
    const dataset = positionals[0]!;
    if (!(DATASETS as readonly string[]).includes(dataset)) throw new UsageError(`mobilenet-kit train: unknown dataset ${JSON.stringify(dataset)} (datasets: ${DATASETS.join(', ')})`, 'train');
    const dataDir = flags.data ?? FASHION_MNIST_DEFAULT_DIR;
    const missing = await missingFashionMnistFiles(dataDir);
    if (missing.length) {
      io.stderr.write(`mobilenet-kit train: ${new DatasetMissingError(dataDir, missing).message}\n`);
      return EXIT_FAILURE;
    }
    const out = path.resolve(flags.out ?? './fashion-mnist-run');
    const checkpointDir = await prepareCheckpointDir(out, flags, 'train', io);
    const started = performance.now();
    const { name: backendName } = await startCommandBackend(flags.backend, io, { training: true });

    const fullTrain = await readFashionMnist('train', dataDir);
    const train = flags.limit !== undefined ? takeSamples(fullTrain, flags.limit) : fullTrain;
    const fullTest = await readFashionMnist('test', dataDir);
    const test = flags['test-limit'] !== undefined ? takeSamples(fullTest, flags['test-limit']) : fullTest;

    const resolution = flags.resolution ?? 32;
    const alpha = flags.alpha ?? 0.5;
    const seed = flags.seed ?? 1;
    const backbone = mobilenetV1({ alpha, resolution, includeTop: false, variant: flags.variant ?? 'standard' });
    const head = classifierHead(backbone, {
      classes: train.classNames.length,
      labels: train.classNames,
      dropout: flags.dropout ?? 1e-3,
      preprocessing: { grayscale: true, contentSize: flags.fit === 'resize' ? resolution : 28 },
    });
    const config: Partial<TrainConfig> = {
      ...(flags.epochs !== undefined || !flags.resume ? { epochs: flags.epochs ?? 10 } : {}),
      batchSize: flags['batch-size'] ?? 64,
      learningRate: flags['learning-rate'] ?? 0.045,
      seed,
      ...recipeFromFlags(flags),
      // A resumed run keeps its checkpoint's shards (they are part of the arithmetic); --threads then only sets how many run at once.
      ...(flags.resume ? {} : { shards: flags.threads ?? 1 }),
    };
    const threads = flags.threads ?? 1;
    const workers = threads > 1 ? createThreadWorkers({ threads: threads - 1, setupModule: workerSetupModule() }) : undefined;
    const progress = trainingProgress(io, {
      graphName: head.graph.name,
      data: (fraction) => `${train.count} Fashion-MNIST images (${formatPercent(100 * fraction, 0)} held out for validation)`,
      threads,
      backend: backendName,
    });
    const result = await trainClassifier({
      graph: head.graph,
      weights: initializeWeights(head.graph, { seed }),
      metadata: head.metadata,
      train,
      tf,
      tfl,
      tfBackend: backendName,
      config,
      workers,
      checkpointDir,
      resume: flags.resume === true,
      ...progress,
    });
    progress.done();

    const classifier = await createClassifier(result.graph, result.weights, result.metadata, { backend: backendName });
    const evaluation = await evaluateClassifier(classifier, test).finally(() => classifier.dispose());
    const cost = graphCost(result.graph).totals;
    const seconds = (performance.now() - started) / 1000;
    const report = {
      model: result.graph.name,
      alpha,
      resolution,
      variant: flags.variant ?? 'standard',
      backend: backendName,
      multAdds: cost.multAdds,
      params: cost.params,
      paramsWithBiasAndBn: cost.paramsWithBiasAndBn,
      trainImages: train.count,
      testImages: test.count,
      testAccuracy: evaluation.accuracy,
      testTop5: evaluation.top5,
      perClass: evaluation.perClass,
      confusion: Array.from(evaluation.confusion.counts),
      config: result.config,
      history: result.history,
      wallSeconds: seconds,
    };
    await mkdir(out, { recursive: true });
    await writeTrainingRun(out, result, {
      training: { dataset: 'fashion-mnist', testAccuracy: evaluation.accuracy, epochs: result.history.length, config: result.config },
      report,
      confusion: evaluation.confusion,
    });

    io.stdout.write(`\ntest set (${test.count} images):\n${renderReport(evaluation, FASHION_MNIST_HARD_CLASSES)}`);
    io.stdout.write(`top-5 accuracy: ${formatPercent(100 * evaluation.top5, 2)}\n`);
    io.stdout.write(`model: ${formatCount(cost.multAdds)} mult-adds, ${formatCount(cost.params)} params (${formatCount(cost.paramsWithBiasAndBn)} with biases and BN)\n`);
    io.stdout.write(`wrote ${path.join(out, 'model')}, report.json, curves.png, confusion.png in ${formatDuration(seconds)}\n`);
    return EXIT_OK;
  },
});
