import { deriveSeed, mulberry32 } from '@mobilenet-kit/backbone';
import { activateTfBackend } from '@mobilenet-kit/backend-tfjs';
import { learningRateAt, RmsProp, registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import { analyzeGraph, type Graph, type Weights } from '@mobilenet-kit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { checkDataset, type ImageDataset } from '../data/dataset';
import { ClassificationOptionError } from '../errors';
import { type ClassifierMetadata, classifierMetadataFrom } from '../metadata';
import { canvasBytes, canvasesToInput, datasetImage } from '../preprocess';
import { augmentCanvas } from './augment';
import { type Checkpoint, loadCheckpoint, recoverCheckpointDir, saveCheckpoint } from './checkpoint';
import { resolveTrainConfig, type TrainConfig } from './config';
import { assignFlat, computeShard, flattenVariables, type GradientWorkers, type ShardJob, type ShardResult, shardRanges, weightedSum } from './gradient-workers';
import { createTrainingReplica, shardGradients } from './replica';
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
  /**
   * A separate validation set (same image size and classes as `train`), scored
   * after every epoch instead of a split of the training set
   * (`config.validationFraction` must then be 0).
   */
  readonly validation?: ImageDataset;
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
  /**
   * Threads that compute shards of each batch at the same time as the main
   * thread when `config.shards` > 1 (createThreadWorkers in Node). Without
   * them the shards are computed one after another here: the same arithmetic,
   * so a run resumes exactly with or without workers.
   */
  readonly workers?: GradientWorkers;
  /**
   * Soft targets instead of one-hot labels (e.g. label smoothing over
   * neighbouring geo-cells): the target distributions of a batch's labels,
   * `[n, classes]` row-major. Single-shard training only (`config.shards` 1).
   */
  readonly softTargets?: (labels: ArrayLike<number>) => Float32Array;
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
  /** Indices into `train` of the images held out for validation (config.validationFraction); empty with a separate validation set. */
  readonly heldOut: Int32Array;
}

/** Float32 canvases of a set of samples (gray or RGB as the model's preprocessing says), `resolution²·channels` bytes each. */
function canvasesOf(dataset: ImageDataset, metadata: ClassifierMetadata, resolution: number): Uint8Array {
  const channels = metadata.preprocessing.grayscale ? 1 : 3;
  const size = resolution * resolution * channels;
  const out = new Uint8Array(dataset.count * size);
  for (let i = 0; i < dataset.count; i++) out.set(canvasBytes(datasetImage(dataset, i), metadata.preprocessing, resolution), i * size);
  return out;
}

/** The training set with the validation set appended (indices count..count+m−1), after checking that they agree. */
function withValidation(train: ImageDataset, validation: ImageDataset, validationFraction: number): ImageDataset {
  const where = 'trainClassifier';
  if (validationFraction !== 0) throw new ClassificationOptionError('validationFraction', validationFraction, '0 when a separate validation set is given', where);
  checkDataset(validation, 'validation set');
  if (validation.height !== train.height || validation.width !== train.width || validation.channels !== train.channels) {
    throw new ClassificationOptionError('validation', `${validation.width}×${validation.height}×${validation.channels} images`, `the training set's ${train.width}×${train.height}×${train.channels}`, where);
  }
  if (validation.classNames.length !== train.classNames.length || validation.classNames.some((c, i) => c !== train.classNames[i])) {
    throw new ClassificationOptionError('validation.classNames', validation.classNames, `the training set's classes in the same order (${train.classNames.join(', ')})`, where);
  }
  const pixels = new Uint8Array(train.pixels.length + validation.pixels.length);
  pixels.set(train.pixels);
  pixels.set(validation.pixels, train.pixels.length);
  const labels = new Int32Array(train.count + validation.count);
  labels.set(train.labels);
  labels.set(validation.labels, train.count);
  return { ...train, count: train.count + validation.count, pixels, labels };
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
  if (options.softTargets && config.shards !== 1) throw new ClassificationOptionError('softTargets', 'given', `only with shards 1 (config.shards is ${config.shards})`, 'trainClassifier');
  const data = options.validation ? withValidation(options.train, options.validation, config.validationFraction) : options.train;
  options.onStart?.({ startEpoch, config, resumed: checkpoint !== undefined });

  registerTrainingKernels(tf, options.tfBackend);
  await activateTfBackend(tf, options.tfBackend);

  const split = options.validation
    ? { train: Int32Array.from({ length: options.train.count }, (_, i) => i), validation: Int32Array.from({ length: options.validation.count }, (_, i) => options.train.count + i) }
    : validationSplit(options.train.labels, config.validationFraction, mulberry32(deriveSeed(config.seed, 'validation-split')));
  const labels = data.labels;
  const channels = metadata.preprocessing.grayscale ? 1 : 3;
  const canvasSize = resolution * resolution * channels;
  const canvases = canvasesOf(data, metadata, resolution);
  const classes = metadata.labels.length;

  const replica = createTrainingReplica(graph, weights, { freeze: config.freeze, batchNormMomentum: config.batchNormMomentum }, tf, tfl);
  const { segments } = replica;
  const variables = replica.trainable;
  const kernel = replica.denseKernel;
  const bias = replica.denseBias;
  // L2 on conv and FC kernels; depthwise filters are named depthwise_kernel and stay out, as do biases and BN.
  const decayed = new Set([...variables.keys()].filter((n) => n.endsWith('/kernel')));
  const optimizer = new RmsProp(tf, config.rmsprop);
  if (checkpoint) optimizer.setState(checkpoint.optimizer, variables);

  /** The preprocessed input of a set of samples (augmented when `random` is given), NHWC on the host. */
  const hostInputOf = (indices: ArrayLike<number>, random?: () => number) => {
    const batch = new Uint8Array(indices.length * canvasSize);
    for (let i = 0; i < indices.length; i++) {
      const src = canvases.subarray(indices[i]! * canvasSize, (indices[i]! + 1) * canvasSize);
      const dst = batch.subarray(i * canvasSize, (i + 1) * canvasSize);
      if (random) augmentCanvas(src, dst, resolution, channels, config.augment, random);
      else dst.set(src);
    }
    return canvasesToInput(batch, indices.length, resolution, channels, metadata.preprocessing.normalization);
  };
  const inputOf = (indices: ArrayLike<number>, random?: () => number): tfc.Tensor => {
    const host = hostInputOf(indices, random);
    return tf.tensor4d(host.data, host.shape as [number, number, number, number]);
  };

  // Feature caching: a frozen backbone gives the same features every epoch (no augmentation then).
  let cached: Float32Array | undefined;
  if (config.cacheFeatures && segments.trainable === undefined) {
    cached = new Float32Array(data.count * segments.featureSize);
    for (let s = 0; s < data.count; s += 256) {
      const idx = Int32Array.from({ length: Math.min(256, data.count - s) }, (_, i) => s + i);
      const f = tf.tidy(() => replica.featuresOf(inputOf(idx), false));
      cached.set(f.dataSync() as Float32Array, s * segments.featureSize);
      f.dispose();
    }
  }
  const cachedFeatures = (indices: ArrayLike<number>): tfc.Tensor => {
    const out = new Float32Array(indices.length * segments.featureSize);
    for (let i = 0; i < indices.length; i++) out.set(cached!.subarray(indices[i]! * segments.featureSize, (indices[i]! + 1) * segments.featureSize), i * segments.featureSize);
    return tf.tensor2d(out, [indices.length, segments.featureSize]);
  };
  const batchFeatures = (indices: Int32Array, training: boolean): tfc.Tensor => (cached ? cachedFeatures(indices) : replica.featuresOf(inputOf(indices), training));

  // Worker threads compute shards 1..k of each batch (never with cached features: the head alone trains in the main thread in seconds).
  const workers = !cached && config.shards > 1 ? options.workers : undefined;
  const workerShards = workers ? Math.min(workers.count, config.shards - 1) : 0;

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
        const logits = tf.add(tf.matMul(batchFeatures(idx, false), kernel), bias);
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

  const weightDecay = (name: string) => (decayed.has(name) ? config.l2 : 0);

  /** A step on the whole batch in this thread. */
  const oneShardStep = (idx: Int32Array, mask: Float32Array, random: (() => number) | undefined, lr: number) => {
    const [lossTensor, predTensor] = tf.tidy(() => {
      const g = shardGradients(replica, tf, {
        features: () => (cached ? cachedFeatures(idx) : replica.featuresOf(inputOf(idx, random), true)),
        labels: Array.from(idx, (j) => labels[j]!),
        dropoutMask: mask,
        classes,
        labelSmoothing: config.labelSmoothing,
        ...(options.softTargets ? { targets: options.softTargets(Array.from(idx, (j) => labels[j]!)) } : {}),
      });
      optimizer.apply(variables, g.grads, lr, weightDecay);
      return [g.loss, g.predictions];
    });
    const loss = lossTensor!.dataSync()[0]!;
    const predictions = Int32Array.from(predTensor!.dataSync() as Int32Array);
    lossTensor!.dispose();
    predTensor!.dispose();
    return { loss, predictions };
  };

  const trainableSize = [...variables.values()].reduce((n, v) => n + v.size, 0);
  /**
   * A data-parallel step: the batch cut into config.shards shards, each with
   * its own BN batch statistics; the workers compute shards 1..k, this thread
   * shard 0 and any left over; gradients and moving statistics are averaged,
   * weighted by shard size, and the optimizer steps once.
   */
  const shardedStep = async (idx: Int32Array, mask: Float32Array, random: (() => number) | undefined, lr: number) => {
    const ranges = shardRanges(idx.length, config.shards);
    const featureSize = segments.featureSize;
    const host = cached ? undefined : hostInputOf(idx, random);
    // The model's input per sample (gray canvases may be widened to the model's channels).
    const [, height, width, depth] = (host?.shape ?? [0, 0, 0, 0]) as number[];
    const perSample = height! * width! * depth!;
    const jobOf = ([a, b]: readonly [number, number]): ShardJob => ({
      input: host ? host.data.slice(a * perSample, b * perSample) : new Float32Array(0),
      shape: [b - a, height!, width!, depth!],
      labels: Int32Array.from(idx.subarray(a, b), (j) => labels[j]!),
      dropoutMask: mask.slice(a * featureSize, b * featureSize),
    });
    const state = flattenVariables(variables, replica.movingStatistics);
    const remote = workers ? workers.run(ranges.slice(1, 1 + workerShards).map(jobOf), state) : Promise.resolve([]);
    const results: ShardResult[] = new Array(ranges.length);
    let gradNames: ReadonlySet<string> | undefined;
    for (let k = 0; k < ranges.length; k++) {
      if (k >= 1 && k <= workerShards) continue;
      // Every shard starts from the step's moving statistics.
      if (k > 0) assignFlat(tf, replica.movingStatistics, state, trainableSize);
      const [a, b] = ranges[k]!;
      const shard = computeShard(replica, tf, jobOf(ranges[k]!), { classes, labelSmoothing: config.labelSmoothing }, cached ? () => cachedFeatures(idx.subarray(a, b)) : undefined);
      results[k] = shard.result;
      gradNames ??= shard.gradNames;
    }
    (await remote).forEach((r, i) => {
      results[1 + i] = r;
    });
    const shares = ranges.map(([a, b]) => (b - a) / idx.length);
    const meanGrads = weightedSum(results.map((r) => r.grads), shares);
    tf.tidy(() => {
      const byName = new Map<string, tfc.Tensor>();
      let offset = 0;
      for (const [name, v] of variables) {
        if (gradNames!.has(name)) byName.set(name, tf.tensor(meanGrads.subarray(offset, offset + v.size), v.shape, 'float32'));
        offset += v.size;
      }
      optimizer.apply(variables, byName, lr, weightDecay);
    });
    assignFlat(tf, replica.movingStatistics, weightedSum(results.map((r) => r.moving), shares));
    const predictions = new Int32Array(idx.length);
    results.forEach((r, k) => predictions.set(r.predictions, ranges[k]![0]));
    return { loss: results.reduce((sum, r, k) => sum + shares[k]! * r.loss, 0), predictions };
  };

  const augmenting = !cached && (config.augment.pad > 0 || config.augment.flip);
  try {
    if (workers) {
      await workers.start({
        graph,
        weights,
        settings: { freeze: config.freeze, batchNormMomentum: config.batchNormMomentum },
        tfBackend: options.tfBackend,
        classes,
        labelSmoothing: config.labelSmoothing,
        trainableNames: [...variables.keys()],
        movingNames: [...replica.movingStatistics.keys()],
      });
    }
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
        const { loss: lossValue, predictions: pred } = config.shards === 1 ? oneShardStep(idx, mask, augmenting ? random : undefined, lr) : await shardedStep(idx, mask, augmenting ? random : undefined, lr);
        step++;
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
          weights: replica.collectWeights(),
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
    return { graph, weights: replica.collectWeights(), metadata, config, history, startEpoch, heldOut: options.validation ? new Int32Array(0) : split.validation };
  } finally {
    optimizer.dispose();
    replica.dispose();
    await workers?.dispose();
  }
}
