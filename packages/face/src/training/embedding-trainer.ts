import { deriveSeed, mulberry32 } from '@mobilenet-kit/backbone';
import { activateTfBackend } from '@mobilenet-kit/backend-tfjs';
import { registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import { analyzeGraph, type Graph, type Weights } from '@mobilenet-kit/core';
import { preprocess, type RgbImage } from '@mobilenet-kit/image';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { EMBEDDING_OUTPUT } from '../embedding-head';
import { FaceOptionError } from '../errors';
import { type FaceCheckpoint, loadFaceCheckpoint, saveFaceCheckpoint } from './checkpoint';
import { buildLayersEmbedder, readLayersWeights } from './layers-embedder';

/** Settings shared by the face trainers. */
export interface EmbeddingTrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** Peak learning rate; cosine decay to `learningRate·finalLearningRateFraction` over the run. */
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  /** tfjs's RMSProp (the paper's optimizer family): decay, momentum, epsilon. */
  readonly rmsprop: { readonly decay: number; readonly momentum: number; readonly epsilon: number };
  readonly seed: number;
}

export const EMBEDDING_TRAIN_DEFAULTS: EmbeddingTrainConfig = Object.freeze({
  epochs: 8,
  batchSize: 32,
  learningRate: 1e-4,
  finalLearningRateFraction: 0.05,
  // decay and momentum as TF-slim's defaults (0.9, 0.9); epsilon small: a fine-tuning from pretrained weights, not TF-slim's from-scratch 1.0.
  rmsprop: Object.freeze({ decay: 0.9, momentum: 0.9, epsilon: 1e-6 }),
  seed: 1,
});

export interface TrainBatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly samples: number;
  readonly epochSamples: number;
  /** Running mean of the loss over this epoch. */
  readonly loss: number;
  readonly samplesPerSecond: number;
  /** Seconds left in the whole run at the current speed. */
  readonly etaSeconds: number;
  readonly learningRate: number;
}

export interface TrainEpochResult extends Record<string, number> {
  readonly epoch: number;
  readonly loss: number;
  readonly learningRate: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** One step's material: images at the graph's input size and whatever the loss needs. */
export interface EmbeddingBatch<T> {
  readonly images: readonly RgbImage[];
  readonly targets: T;
}

export interface TrainEmbeddingOptions<T> {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata?: Record<string, unknown>;
  readonly tf: typeof tfc;
  readonly tfl: typeof tflayers;
  /** The tfjs backend to train on ('wasm' or 'cpu'); its gradient kernels must be registered. */
  readonly tfBackend: string;
  readonly config?: Partial<EmbeddingTrainConfig>;
  /** The batches of one epoch, drawn with `random` (seeded by the run's seed and the epoch: a resumed epoch repeats exactly). */
  readonly epochBatches: (epoch: number, random: () => number, batchSize: number) => EmbeddingBatch<T>[];
  /** The loss of one batch: `embeddings` [n, D] are the graph's L2-normalized outputs. Runs taped, inside tf.tidy. */
  readonly loss: (tf: typeof tfc, embeddings: tfc.Tensor2D, batch: EmbeddingBatch<T>) => tfc.Scalar;
  /** Measures the model after an epoch (held-out metrics); merged into the epoch's result. */
  readonly evaluate?: (embed: (images: readonly RgbImage[]) => Float32Array[]) => Record<string, number>;
  /** A checkpoint file written atomically after every epoch. */
  readonly checkpointFile?: string;
  /** Continue from checkpointFile when it exists (its configuration wins; `config.epochs` may extend the run). */
  readonly resume?: boolean;
  readonly onStart?: (info: { startEpoch: number; config: EmbeddingTrainConfig; resumed: boolean }) => void;
  readonly onBatch?: (p: TrainBatchProgress) => void;
  readonly onEpoch?: (r: TrainEpochResult) => void | Promise<void>;
}

export interface TrainEmbeddingResult {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly config: EmbeddingTrainConfig;
  readonly history: readonly TrainEpochResult[];
  readonly startEpoch: number;
}

export function resolveEmbeddingTrainConfig(config: Partial<EmbeddingTrainConfig> = {}): EmbeddingTrainConfig {
  const c = { ...EMBEDDING_TRAIN_DEFAULTS, ...config, rmsprop: { ...EMBEDDING_TRAIN_DEFAULTS.rmsprop, ...config.rmsprop } };
  const where = 'trainEmbedding';
  if (!Number.isInteger(c.epochs) || c.epochs < 1) throw new FaceOptionError(where, 'epochs', c.epochs, 'expected an integer ≥ 1');
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) throw new FaceOptionError(where, 'batchSize', c.batchSize, 'expected an integer ≥ 1');
  if (!(c.learningRate > 0) || !Number.isFinite(c.learningRate)) throw new FaceOptionError(where, 'learningRate', c.learningRate, 'expected a number > 0');
  if (!(c.finalLearningRateFraction >= 0 && c.finalLearningRateFraction <= 1)) throw new FaceOptionError(where, 'finalLearningRateFraction', c.finalLearningRateFraction, 'expected a number in [0, 1]');
  if (!Number.isInteger(c.seed) || c.seed < 0) throw new FaceOptionError(where, 'seed', c.seed, 'expected an integer ≥ 0');
  return c;
}

/** Cosine decay from `base` to `base·final` over `total` steps. */
export function cosineLearningRate(step: number, total: number, base: number, final: number): number {
  const t = Math.min(1, step / Math.max(1, total));
  return base * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * Trains an embedding graph (one input [n, S, S, 3] normalized to [-1, 1],
 * the `embedding` output) through tfjs-layers with tfjs's RMSProp. Batch
 * norms keep their moving statistics (applied in inference mode; gamma and
 * beta train): the students start from a pretrained detector and the
 * batches are small. After every epoch a checkpoint (weights, optimizer
 * slots, epoch, step, seed, history) replaces the previous one atomically;
 * a resumed run continues with the same weights and optimizer state, and
 * epoch e's batches come from (seed, e), so it equals an uninterrupted run.
 */
export async function trainEmbedding<T>(options: TrainEmbeddingOptions<T>): Promise<TrainEmbeddingResult> {
  const { tf, tfl } = options;
  let graph = options.graph;
  let weights = options.weights;
  let metadata = options.metadata;
  let config = resolveEmbeddingTrainConfig(options.config);
  let startEpoch = 0;
  let step = 0;
  let history: TrainEpochResult[] = [];
  let checkpoint: FaceCheckpoint | undefined;
  if (options.resume && options.checkpointFile) checkpoint = await loadFaceCheckpoint(options.checkpointFile);
  if (checkpoint) {
    graph = checkpoint.graph;
    weights = checkpoint.weights;
    metadata = checkpoint.metadata ?? metadata;
    config = resolveEmbeddingTrainConfig({ ...(checkpoint.config as Partial<EmbeddingTrainConfig>), ...(options.config?.epochs !== undefined ? { epochs: options.config.epochs } : {}) });
    startEpoch = checkpoint.epoch;
    step = checkpoint.step;
    history = checkpoint.history as TrainEpochResult[];
  }
  const info = analyzeGraph(graph);
  const size = info.shapes.get(info.inputs[0]!)![1] as number;
  if (!graph.outputs.some((o) => o.name === EMBEDDING_OUTPUT)) throw new FaceOptionError('trainEmbedding', 'graph', graph.name, `needs an "${EMBEDDING_OUTPUT}" output (embeddingHead)`);
  options.onStart?.({ startEpoch, config, resumed: checkpoint !== undefined });

  await activateTfBackend(tf, options.tfBackend);
  // tfjs-backend-wasm lacks the conv filter and depthwise gradients; backend-tfjs supplies them (and faster ones for cpu).
  registerTrainingKernels(tf, options.tfBackend);
  const layers = buildLayersEmbedder(graph, weights, tf, tfl);
  const { decay, momentum, epsilon } = config.rmsprop;
  const optimizer = tf.train.rmsprop(config.learningRate, decay, momentum, epsilon);
  const varNames = layers.trainable.map((t) => t.variable.name);
  if (checkpoint) {
    // tfjs keeps RMSProp's slots by position (the order gradients are applied in): ms of every variable, then mom.
    const n = layers.trainable.length;
    if (checkpoint.optimizer.length !== 1 + 2 * n) throw new FaceOptionError('trainEmbedding', 'checkpoint', options.checkpointFile, `holds ${checkpoint.optimizer.length} optimizer slots, this model needs ${1 + 2 * n}`);
    await optimizer.setWeights(checkpoint.optimizer.map((s) => ({ name: s.name, tensor: tf.tensor(s.data, [...s.shape], 'float32') })));
  }
  const toInput = (images: readonly RgbImage[]) => {
    const data = preprocess(images, { size, resize: 'stretch', normalize: 'minusOneToOne' }).input.data;
    return tf.tensor4d(data, [images.length, size, size, 3]);
  };
  const forward = (x: tfc.Tensor4D) => layers.model.apply(x, { training: false }) as tfc.Tensor2D;
  const embed = (images: readonly RgbImage[]): Float32Array[] => {
    const out: Float32Array[] = [];
    for (let i = 0; i < images.length; i += 64) {
      const part = images.slice(i, i + 64);
      const e = tf.tidy(() => forward(toInput(part)));
      const values = e.dataSync() as Float32Array;
      e.dispose();
      const d = values.length / part.length;
      part.forEach((_, k) => out.push(values.slice(k * d, (k + 1) * d)));
    }
    return out;
  };
  const optimizerSlots = async () => {
    const named = await optimizer.getWeights();
    // Named by trainer order: the iteration counter, then ms and mom per trainable parameter.
    const n = layers.trainable.length;
    return named.map((w, i) => ({
      name: i === 0 ? 'iterations' : `${layers.trainable[(i - 1) % n]!.name}/${i <= n ? 'ms' : 'mom'}`,
      shape: [...w.tensor.shape],
      data: Float32Array.from(w.tensor.dataSync() as Float32Array),
    }));
  };

  const firstPlan = options.epochBatches(startEpoch, mulberry32(deriveSeed(config.seed, `epoch-${startEpoch}`)), config.batchSize);
  const batchesPerEpoch = firstPlan.length;
  const totalSteps = batchesPerEpoch * config.epochs;
  try {
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      await activateTfBackend(tf, options.tfBackend);
      const plan = epoch === startEpoch ? firstPlan : options.epochBatches(epoch, mulberry32(deriveSeed(config.seed, `epoch-${epoch}`)), config.batchSize);
      const epochSamples = plan.reduce((a, b) => a + b.images.length, 0);
      const started = performance.now();
      let lossSum = 0;
      let seen = 0;
      let lr = config.learningRate;
      for (let b = 0; b < plan.length; b++) {
        const batch = plan[b]!;
        lr = cosineLearningRate(step, totalSteps, config.learningRate, config.finalLearningRateFraction);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const lossTensor = tf.tidy(() => {
          const x = toInput(batch.images);
          const { value, grads } = tf.variableGrads(() => options.loss(tf, forward(x), batch), layers.trainable.map((t) => t.variable));
          // Gradients in the trainable order, so the optimizer's positional slots stay aligned across runs.
          optimizer.applyGradients(varNames.filter((n) => grads[n]).map((n) => ({ name: n, tensor: grads[n]! })));
          return value;
        });
        step++;
        const lossValue = (await lossTensor.data())[0]!;
        lossTensor.dispose();
        if (!Number.isFinite(lossValue)) throw new Error(`training diverged: loss ${lossValue} at epoch ${epoch + 1}, batch ${b + 1} (learning rate ${lr}); lower the learning rate`);
        lossSum += lossValue * batch.images.length;
        seen += batch.images.length;
        const speed = seen / ((performance.now() - started) / 1000);
        const remaining = epochSamples - seen + (config.epochs - epoch - 1) * epochSamples;
        options.onBatch?.({ epoch: epoch + 1, epochs: config.epochs, batch: b + 1, batches: plan.length, samples: seen, epochSamples, loss: lossSum / seen, samplesPerSecond: speed, etaSeconds: remaining / speed, learningRate: lr });
      }
      const seconds = (performance.now() - started) / 1000;
      const extra = options.evaluate?.(embed) ?? {};
      const result: TrainEpochResult = { ...extra, epoch: epoch + 1, loss: lossSum / seen, learningRate: lr, seconds, samplesPerSecond: seen / seconds };
      history = [...history, result];
      if (options.checkpointFile) {
        await saveFaceCheckpoint(options.checkpointFile, {
          graph,
          weights: readLayersWeights(layers, weights),
          ...(metadata ? { metadata } : {}),
          optimizer: await optimizerSlots(),
          epoch: epoch + 1,
          step,
          seed: config.seed,
          config: config as unknown as Record<string, unknown>,
          history,
        });
      }
      await options.onEpoch?.(result);
    }
    return { graph, weights: readLayersWeights(layers, weights), config, history, startEpoch };
  } finally {
    optimizer.dispose();
    layers.dispose();
  }
}
