import { deriveSeed, mulberry32 } from '@mobilenet-kit/backbone';
import { activateTfBackend } from '@mobilenet-kit/backend-tfjs';
import { learningRateAt, RmsProp, registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import { analyzeGraph, type Graph, type WeightTensor, type Weights } from '@mobilenet-kit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { checkDataset, type ImageDataset } from '../data/dataset';
import { ClassificationOptionError } from '../errors';
import { type ClassifierMetadata, classifierMetadataFrom } from '../metadata';
import { canvasBytes, canvasesToInput, datasetImage } from '../preprocess';
import { augmentCanvas } from './augment';
import { type Checkpoint, loadCheckpoint, recoverCheckpointDir, saveCheckpoint } from './checkpoint';
import { resolveTrainConfig, type TrainConfig } from './config';
import { buildLayersSegment, type LayersSegment, readVariables } from './layers-bridge';
import { trainingSegments } from './segments';
import { shuffledIndices, validationSplit } from './shuffle';

export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** Samples seen in this epoch so far. */
  readonly samples: number;
  readonly epochSamples: number;
  /** Running means over this epoch. */
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSecond: number;
  /** Seconds left in this epoch at the current speed. */
  readonly etaSeconds: number;
  readonly learningRate: number;
}

export interface EpochResult {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  /** NaN without a validation split. */
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly learningRate: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface TrainClassifierOptions {
  /** The classifier (classifierHead's graph) and its starting weights; ignored when resuming from a checkpoint. */
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata: ClassifierMetadata | Record<string, unknown>;
  readonly train: ImageDataset;
  /** The tfjs namespaces (one copy per app) and the tfjs backend to train on ('wasm' or 'cpu'). */
  readonly tf: typeof tfc;
  readonly tfl: typeof tflayers;
  readonly tfBackend: string;
  readonly config?: Partial<TrainConfig>;
  /** Where to write a checkpoint after every epoch (none if absent). */
  readonly checkpointDir?: string;
  /** Continue from the checkpoint in checkpointDir when there is one (its configuration wins; `config.epochs` may extend the run). */
  readonly resume?: boolean;
  readonly onBatch?: (p: BatchProgress) => void;
  readonly onEpoch?: (r: EpochResult) => void | Promise<void>;
  /** Called once with the epoch the run starts at (0, or the checkpoint's). */
  readonly onStart?: (info: { startEpoch: number; config: TrainConfig; resumed: boolean }) => void;
}

export interface TrainResult {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata: ClassifierMetadata;
  readonly config: TrainConfig;
  readonly history: readonly EpochResult[];
  readonly startEpoch: number;
}

/** Float32 canvases of a set of samples (gray or RGB as the model's preprocessing says), `resolution²·channels` bytes each. */
function canvasesOf(dataset: ImageDataset, metadata: ClassifierMetadata, resolution: number): Uint8Array {
  const channels = metadata.preprocessing.grayscale ? 1 : 3;
  const size = resolution * resolution * channels;
  const out = new Uint8Array(dataset.count * size);
  for (let i = 0; i < dataset.count; i++) out.set(canvasBytes(datasetImage(dataset, i), metadata.preprocessing, resolution), i * size);
  return out;
}

/**
 * Trains a classifier with tfjs-layers underneath: BN in training mode with
 * moving averages, dropout drawn from the run's seeded generator, RMSProp
 * with warm-up and exponential decay, L2 on conv and dense kernels only
 * (none on depthwise filters, as the paper advises), shift and flip
 * augmentation, a stratified validation split, optional freezing and
 * feature caching. After every epoch a checkpoint (weights with BN
 * statistics, optimizer state, epoch, step, seed) is written atomically; a
 * resumed run continues exactly where the checkpoint stands (the same
 * weights as an uninterrupted run).
 */
export async function trainClassifier(options: TrainClassifierOptions): Promise<TrainResult> {
  const { tf, tfl } = options;
  let graph = options.graph;
  let weights: Weights = options.weights;
  let metadataRecord = options.metadata as Record<string, unknown>;
  let config = resolveTrainConfig(options.config);
  let startEpoch = 0;
  let step = 0;
  let history: EpochResult[] = [];
  let checkpoint: Checkpoint | undefined;
  if (options.resume && options.checkpointDir && (await recoverCheckpointDir(options.checkpointDir))) {
    checkpoint = await loadCheckpoint(options.checkpointDir);
    graph = checkpoint.graph;
    weights = checkpoint.weights;
    metadataRecord = checkpoint.metadata ?? {};
    config = resolveTrainConfig({ ...(checkpoint.config as Partial<TrainConfig>), ...(options.config?.epochs !== undefined ? { epochs: options.config.epochs } : {}) });
    startEpoch = checkpoint.epoch;
    step = checkpoint.step;
    history = checkpoint.history as unknown as EpochResult[];
  }
  const info = analyzeGraph(graph);
  const resolution = info.shapes.get(info.inputs[0]!)![1] as number;
  const metadata = classifierMetadataFrom(metadataRecord, resolution, `classifier "${graph.name}"`);
  checkDataset(options.train, 'training set');
  if (options.train.classNames.length !== metadata.labels.length) {
    throw new ClassificationOptionError('train.classNames', `${options.train.classNames.length} classes`, `the classifier's ${metadata.labels.length} classes`, 'trainClassifier');
  }
  options.onStart?.({ startEpoch, config, resumed: checkpoint !== undefined });

  registerTrainingKernels(tf, options.tfBackend);
  await activateTfBackend(tf, options.tfBackend);

  const segments = trainingSegments(graph, config.freeze);
  const split = validationSplit(options.train.labels, config.validationFraction, mulberry32(deriveSeed(config.seed, 'validation-split')));
  const labels = options.train.labels;
  const channels = metadata.preprocessing.grayscale ? 1 : 3;
  const canvasSize = resolution * resolution * channels;
  const canvases = canvasesOf(options.train, metadata, resolution);
  const classes = metadata.labels.length;

  const frozen: LayersSegment | undefined = segments.frozen && buildLayersSegment(segments.frozen, weights, tf, tfl);
  const trainable: LayersSegment | undefined = segments.trainable && buildLayersSegment(segments.trainable, weights, tf, tfl);
  if (trainable) {
    for (const layer of trainable.model.layers) if (layer.getClassName() === 'BatchNormalization') (layer as unknown as { momentum: number }).momentum = config.batchNormMomentum;
  }
  const weight = (name: string): WeightTensor => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight "${name}" is missing`);
    return w;
  };
  const denseKernelName = `${segments.dense.node}/kernel`;
  const denseBiasName = `${segments.dense.node}/bias`;
  // Inside tidy: tf.variable keeps its own reference, the initial tensor is freed.
  const kernel = tf.tidy(() => tf.variable(tf.tensor(weight(denseKernelName).data, [...weight(denseKernelName).shape]), true));
  const bias = tf.tidy(() => tf.variable(tf.tensor(weight(denseBiasName).data, [...weight(denseBiasName).shape]), true));
  const variables = new Map<string, tfc.Variable>([...(trainable?.trainableNames ?? []).map((n) => [n, trainable!.variables.get(n)!] as const), [denseKernelName, kernel], [denseBiasName, bias]]);
  // L2 on conv and FC kernels; depthwise filters are named depthwise_kernel and stay out, as do biases and BN.
  const decayed = new Set([...variables.keys()].filter((n) => n.endsWith('/kernel')));
  const optimizer = new RmsProp(tf, config.rmsprop);
  if (checkpoint) optimizer.setState(checkpoint.optimizer, variables);

  const featuresOf = (x: tfc.Tensor, training: boolean): tfc.Tensor => {
    let h = x;
    if (frozen) h = frozen.model.apply(h, { training: false }) as tfc.Tensor;
    if (trainable) h = trainable.model.apply(h, { training }) as tfc.Tensor;
    return h;
  };
  const inputOf = (indices: ArrayLike<number>, random?: () => number): tfc.Tensor => {
    const batch = new Uint8Array(indices.length * canvasSize);
    for (let i = 0; i < indices.length; i++) {
      const src = canvases.subarray(indices[i]! * canvasSize, (indices[i]! + 1) * canvasSize);
      const dst = batch.subarray(i * canvasSize, (i + 1) * canvasSize);
      if (random) augmentCanvas(src, dst, resolution, channels, config.augment, random);
      else dst.set(src);
    }
    const host = canvasesToInput(batch, indices.length, resolution, channels);
    return tf.tensor4d(host.data, host.shape as [number, number, number, number]);
  };

  // Feature caching: a frozen backbone gives the same features every epoch (no augmentation then).
  let cached: Float32Array | undefined;
  if (config.cacheFeatures && !trainable) {
    cached = new Float32Array(options.train.count * segments.featureSize);
    for (let s = 0; s < options.train.count; s += 256) {
      const idx = Int32Array.from({ length: Math.min(256, options.train.count - s) }, (_, i) => s + i);
      const f = tf.tidy(() => featuresOf(inputOf(idx), false));
      cached.set(f.dataSync() as Float32Array, s * segments.featureSize);
      f.dispose();
    }
  }
  const batchFeatures = (indices: Int32Array, random: (() => number) | undefined, training: boolean): tfc.Tensor => {
    if (cached) {
      const out = new Float32Array(indices.length * segments.featureSize);
      indices.forEach((j, i) => out.set(cached!.subarray(j * segments.featureSize, (j + 1) * segments.featureSize), i * segments.featureSize));
      return tf.tensor2d(out, [indices.length, segments.featureSize]);
    }
    return featuresOf(inputOf(indices, random), training);
  };

  const trainCount = split.train.length;
  const batches = Math.ceil(trainCount / config.batchSize);
  const schedule = {
    base: config.learningRate,
    warmupSteps: Math.round(config.warmupEpochs * batches),
    decayRate: config.decayRate,
    decaySteps: Math.max(1, Math.round(config.decayEpochs * batches)),
  };

  const evaluate = (indices: Int32Array): { loss: number; accuracy: number } => {
    if (indices.length === 0) return { loss: Number.NaN, accuracy: Number.NaN };
    let lossSum = 0;
    let right = 0;
    for (let s = 0; s < indices.length; s += 256) {
      const idx = indices.subarray(s, s + 256);
      const [l, p] = tf.tidy(() => {
        const logits = tf.add(tf.matMul(batchFeatures(idx, undefined, false), kernel), bias);
        const y = tf.oneHot(tf.tensor1d(Array.from(idx, (j) => labels[j]!), 'int32'), classes);
        return [tf.sum(tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.NONE)), tf.argMax(logits, 1)];
      });
      lossSum += l!.dataSync()[0]!;
      const pred = p!.dataSync();
      idx.forEach((j, i) => {
        if (pred[i] === labels[j]) right++;
      });
      l!.dispose();
      p!.dispose();
    }
    return { loss: lossSum / indices.length, accuracy: right / indices.length };
  };

  const collectWeights = (): Map<string, WeightTensor> => {
    const out = new Map(weights);
    if (frozen) for (const [n, w] of readVariables(frozen.variables)) out.set(n, w);
    if (trainable) for (const [n, w] of readVariables(trainable.variables)) out.set(n, w);
    out.set(denseKernelName, { shape: [...kernel.shape], data: Float32Array.from(kernel.dataSync() as Float32Array) });
    out.set(denseBiasName, { shape: [...bias.shape], data: Float32Array.from(bias.dataSync() as Float32Array) });
    return out;
  };

  const augmenting = !cached && (config.augment.pad > 0 || config.augment.flip);
  try {
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      await activateTfBackend(tf, options.tfBackend);
      const random = mulberry32(deriveSeed(config.seed, `epoch-${epoch}`));
      const order = shuffledIndices(trainCount, random).map((i) => split.train[i]!);
      const started = performance.now();
      let lossSum = 0;
      let right = 0;
      let seen = 0;
      let lr = learningRateAt(step, schedule);
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * config.batchSize, (b + 1) * config.batchSize);
        lr = learningRateAt(step, schedule);
        const keep = 1 - segments.dropout.rate;
        const mask = new Float32Array(idx.length * segments.featureSize);
        for (let i = 0; i < mask.length; i++) mask[i] = random() < keep ? 1 / keep : 0;
        const [lossTensor, predTensor] = tf.tidy(() => {
          const y = tf.oneHot(tf.tensor1d(Array.from(idx, (j) => labels[j]!), 'int32'), classes);
          const dropMask = tf.tensor2d(mask, [idx.length, segments.featureSize]);
          let predictions: tfc.Tensor | undefined;
          const { value, grads } = tf.variableGrads(() => {
            // Inside the taped function, so that gradients reach the trainable backbone layers.
            const features = batchFeatures(idx, augmenting ? random : undefined, true);
            const logits = tf.add(tf.matMul(tf.mul(features, dropMask), kernel), bias);
            predictions = tf.keep(tf.argMax(logits, 1));
            // The L2 term's gradient (l2·w on conv and FC kernels) is added by the optimizer; the loss reported is the data term.
            return tf.losses.softmaxCrossEntropy(y, logits, undefined, config.labelSmoothing) as tfc.Scalar;
          }, [...variables.values()]);
          const byName = new Map<string, tfc.Tensor>();
          for (const [name, v] of variables) {
            const g = grads[v.name];
            if (g) byName.set(name, g);
          }
          optimizer.apply(variables, byName, lr, (name) => (decayed.has(name) ? config.l2 : 0));
          return [value, predictions!];
        });
        step++;
        const lossValue = lossTensor!.dataSync()[0]!;
        const pred = predTensor!.dataSync();
        lossTensor!.dispose();
        predTensor!.dispose();
        idx.forEach((j, i) => {
          if (pred[i] === labels[j]) right++;
        });
        lossSum += lossValue * idx.length;
        seen += idx.length;
        if (!Number.isFinite(lossValue)) throw new Error(`training diverged: loss ${lossValue} at epoch ${epoch + 1}, batch ${b + 1} (learning rate ${lr}); lower the learning rate`);
        const seconds = (performance.now() - started) / 1000;
        const speed = seen / seconds;
        options.onBatch?.({
          epoch: epoch + 1,
          epochs: config.epochs,
          batch: b + 1,
          batches,
          samples: seen,
          epochSamples: trainCount,
          loss: lossSum / seen,
          accuracy: right / seen,
          samplesPerSecond: speed,
          etaSeconds: (trainCount - seen) / speed,
          learningRate: lr,
        });
      }
      const seconds = (performance.now() - started) / 1000;
      const val = evaluate(split.validation);
      const result: EpochResult = { epoch: epoch + 1, loss: lossSum / seen, accuracy: right / seen, valLoss: val.loss, valAccuracy: val.accuracy, learningRate: lr, seconds, samplesPerSecond: seen / seconds };
      history = [...history, result];
      if (options.checkpointDir) {
        await saveCheckpoint(options.checkpointDir, {
          graph,
          weights: collectWeights(),
          metadata: metadataRecord,
          optimizer: optimizer.getState(),
          epoch: epoch + 1,
          step,
          seed: config.seed,
          config: config as unknown as Record<string, unknown>,
          history: history as unknown as Record<string, number>[],
        });
      }
      await options.onEpoch?.(result);
    }
    return { graph, weights: collectWeights(), metadata, config, history, startEpoch };
  } finally {
    optimizer.dispose();
    kernel.dispose();
    bias.dispose();
    frozen?.dispose();
    trainable?.dispose();
  }
}
