import { deriveSeed, mulberry32 } from '@mobilenet-kit/backbone';
import { activateTfBackend } from '@mobilenet-kit/backend-tfjs';
import { learningRateAt, RmsProp, type RmsPropSettings, registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
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
  /**
   * Peak learning rate: linear warm-up over `warmupEpochs`, then `decay` to
   * `learningRate·finalLearningRateFraction` at the last step.
   */
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  /** 'cosine' (the default) or 'exponential' (backend-tfjs's learningRateAt, continuous). */
  readonly decay: 'cosine' | 'exponential';
  /** Epochs (fractions allowed) of linear warm-up from 0. Default 0. */
  readonly warmupEpochs: number;
  /**
   * RMSProp (backend-tfjs's, the paper's optimizer): decay, momentum,
   * epsilon and the mean-square slot's start, 0 as tfjs's tf.train.rmsprop
   * (the default here) or 1 as TensorFlow 1.
   */
  readonly rmsprop: Required<RmsPropSettings>;
  /**
   * Train the backbone from this block on (1…13: conv_dw_k, conv_pw_k and
   * later, and the head; 14: the head only; 0: everything, conv1 included).
   * The frozen layers keep their weights.
   */
  readonly trainFromBlock: number;
  readonly seed: number;
}

export const EMBEDDING_TRAIN_DEFAULTS: EmbeddingTrainConfig = Object.freeze({
  epochs: 8,
  batchSize: 32,
  learningRate: 1e-4,
  finalLearningRateFraction: 0.05,
  decay: 'cosine',
  warmupEpochs: 0,
  // decay and momentum as TF-slim's defaults (0.9, 0.9); epsilon small: a fine-tuning from pretrained weights, not TF-slim's from-scratch 1.0.
  rmsprop: Object.freeze({ decay: 0.9, momentum: 0.9, epsilon: 1e-6, initialMeanSquare: 0 }),
  trainFromBlock: 0,
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
  /** The graph output that is trained (and that `loss` and `evaluate` see). Default `embedding`. */
  readonly output?: string;
  readonly metadata?: Record<string, unknown>;
  readonly tf: typeof tfc;
  readonly tfl: typeof tflayers;
  /** The tfjs backend to train on ('wasm' or 'cpu'); its gradient kernels must be registered. */
  readonly tfBackend: string;
  readonly config?: Partial<EmbeddingTrainConfig>;
  /** The batches of one epoch, drawn with `random` (seeded by the run's seed and the epoch: a resumed epoch repeats exactly). */
  readonly epochBatches: (epoch: number, random: () => number, batchSize: number) => EmbeddingBatch<T>[];
  /** The loss of one batch: `embeddings` [n, D] are the trained output's values (L2-normalized for an embedding head). Runs taped, inside tf.tidy. */
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
  if (c.decay !== 'cosine' && c.decay !== 'exponential') throw new FaceOptionError(where, 'decay', c.decay, "expected 'cosine' or 'exponential'");
  if (!(c.warmupEpochs >= 0) || !Number.isFinite(c.warmupEpochs)) throw new FaceOptionError(where, 'warmupEpochs', c.warmupEpochs, 'expected a number ≥ 0');
  if (!Number.isInteger(c.trainFromBlock) || c.trainFromBlock < 0 || c.trainFromBlock > 14) throw new FaceOptionError(where, 'trainFromBlock', c.trainFromBlock, 'expected an integer 0…14 (0: everything, 14: the head only)');
  const r = c.rmsprop;
  if (!(r.decay >= 0 && r.decay < 1 && r.momentum >= 0 && r.momentum < 1 && r.epsilon > 0 && r.initialMeanSquare >= 0)) throw new FaceOptionError(where, 'rmsprop', r, 'decay and momentum in [0, 1), epsilon > 0, initialMeanSquare ≥ 0');
  if (!Number.isInteger(c.seed) || c.seed < 0) throw new FaceOptionError(where, 'seed', c.seed, 'expected an integer ≥ 0');
  return c;
}

/** The block a student parameter belongs to: 0 for conv1, k for conv_dw_k/conv_pw_k, 14 for the head (anything else). */
export function studentBlockOf(parameter: string): number {
  if (parameter.startsWith('conv1/')) return 0;
  const m = /^conv_(?:dw|pw)_(\d+)[/_]/.exec(parameter);
  return m ? Number(m[1]) : 14;
}

/** Learning rate at `step` of `total`: linear warm-up over `warmupSteps`, then cosine or exponential decay from `base` to `base·final` at the last step. */
export function embeddingLearningRate(step: number, total: number, base: number, final: number, warmupSteps: number, decay: 'cosine' | 'exponential' = 'exponential'): number {
  const decaySteps = Math.max(1, total - 1 - warmupSteps);
  if (decay === 'cosine') return step < warmupSteps ? (base * (step + 1)) / warmupSteps : cosineLearningRate(step - warmupSteps, warmupSteps > 0 ? decaySteps : total, base, final);
  // final = 0 would make the decay rate 0: decay to a tiny fraction instead.
  return learningRateAt(step, { base, warmupSteps, decayRate: Math.max(final, 1e-6), decaySteps, staircase: false });
}

/** Cosine decay from `base` to `base·final` over `total` steps. */
export function cosineLearningRate(step: number, total: number, base: number, final: number): number {
  const t = Math.min(1, step / Math.max(1, total));
  return base * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * Trains an embedding graph (one input [n, S, S, 3] normalized to [-1, 1],
 * the `embedding` output) through tfjs-layers with backend-tfjs's RMSProp. Batch
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
  const output = options.output ?? EMBEDDING_OUTPUT;
  const trained = graph.outputs.filter((o) => o.name === output);
  if (trained.length === 0) throw new FaceOptionError('trainEmbedding', 'graph', graph.name, `needs an "${output}" output${output === EMBEDDING_OUTPUT ? ' (embeddingHead)' : ''}`);
  options.onStart?.({ startEpoch, config, resumed: checkpoint !== undefined });

  await activateTfBackend(tf, options.tfBackend);
  // tfjs-backend-wasm lacks the conv filter and depthwise gradients; backend-tfjs supplies them (and faster ones for cpu).
  registerTrainingKernels(tf, options.tfBackend);
  // Only the trained output: the layers model then holds no other head's layers (inference outputs such as softmaxes stay in the graph).
  const layers = buildLayersEmbedder({ ...graph, outputs: trained }, weights, tf, tfl);
  const trainable = layers.trainable.filter((t) => studentBlockOf(t.name) >= config.trainFromBlock);
  if (trainable.length === 0) throw new FaceOptionError('trainEmbedding', 'trainFromBlock', config.trainFromBlock, `leaves no trainable parameter in graph "${graph.name}"`);
  const trainableVariables = new Map(trainable.map((t) => [t.name, t.variable]));
  const optimizer = new RmsProp(tf, config.rmsprop);
  if (checkpoint) {
    // Slots named `<parameter>/ms` and `<parameter>/mom` (optimizerSlots below).
    const state = new Map<string, { ms: Float32Array; mom: Float32Array; shape: readonly number[] }>();
    for (const slot of checkpoint.optimizer) {
      const m = /^(.*)\/(ms|mom)$/.exec(slot.name);
      if (!m) throw new FaceOptionError('trainEmbedding', 'checkpoint', options.checkpointFile, `holds optimizer slot "${slot.name}"; expected <parameter>/ms and <parameter>/mom (a checkpoint of tfjs's RMSProp, before this trainer used backend-tfjs's, cannot be resumed)`);
      const entry = state.get(m[1]!) ?? { ms: new Float32Array(0), mom: new Float32Array(0), shape: slot.shape };
      state.set(m[1]!, { ...entry, [m[2]!]: slot.data });
    }
    optimizer.setState(state, trainableVariables);
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
  const optimizerSlots = () =>
    [...optimizer.getState()].flatMap(([name, s]) => [
      { name: `${name}/ms`, shape: [...s.shape], data: s.ms },
      { name: `${name}/mom`, shape: [...s.shape], data: s.mom },
    ]);

  const firstPlan = options.epochBatches(startEpoch, mulberry32(deriveSeed(config.seed, `epoch-${startEpoch}`)), config.batchSize);
  const batchesPerEpoch = firstPlan.length;
  const totalSteps = batchesPerEpoch * config.epochs;
  const warmupSteps = Math.round(config.warmupEpochs * batchesPerEpoch);
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
        lr = embeddingLearningRate(step, totalSteps, config.learningRate, config.finalLearningRateFraction, warmupSteps, config.decay);
        const lossTensor = tf.tidy(() => {
          const x = toInput(batch.images);
          const { value, grads } = tf.variableGrads(() => options.loss(tf, forward(x), batch), trainable.map((t) => t.variable));
          const byName = new Map(trainable.filter((t) => grads[t.variable.name]).map((t) => [t.name, grads[t.variable.name]!]));
          optimizer.apply(trainableVariables, byName, lr);
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
          optimizer: optimizerSlots(),
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
