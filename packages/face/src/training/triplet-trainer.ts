import type { Graph, Weights } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { type FaceAugmentOptions, applyAugmentation, drawAugmentation } from '../distill/augment';
import { FaceOptionError } from '../errors';
import { nearestIndex } from '../evaluate/agreement';
import { type EmbeddingTrainConfig, type TrainBatchProgress, type TrainEmbeddingResult, type TrainEpochResult, trainEmbedding } from './embedding-trainer';
import { squaredDistances } from './pairwise-distances';

/**
 * FaceNet's triplet margin α = 0.2 on squared distances of unit-length
 * embeddings (Schroff, Kalenichenko, Philbin 2015, "FaceNet", section 3.1:
 * ‖f(a) − f(p)‖² + α < ‖f(a) − f(n)‖²).
 */
export const FACENET_TRIPLET_MARGIN = 0.2;

/** One person's face crops (a folder per person). */
export interface LabeledFaces {
  readonly label: string;
  readonly crops: readonly RgbImage[];
}

export interface TripletSettings {
  readonly margin: number;
  /** People per batch (P) and crops per person (K): a batch is P·K crops. */
  readonly peoplePerBatch: number;
  readonly cropsPerPerson: number;
  /** Batches per epoch. Default: enough for every crop to be seen about once. */
  readonly batchesPerEpoch?: number;
  /** Augmentation of each crop as it is drawn. */
  readonly augment: FaceAugmentOptions;
  /** Which negatives: FaceNet's semi-hard (default) or the batch's hardest (batch-hard). */
  readonly mining: 'semi-hard' | 'batch-hard';
}

export const TRIPLET_DEFAULTS: TripletSettings = Object.freeze({ margin: FACENET_TRIPLET_MARGIN, peoplePerBatch: 8, cropsPerPerson: 4, augment: {}, mining: 'semi-hard' as const });

/**
 * FaceNet's semi-hard triplet loss (Schroff et al. 2015, section 3.2; as
 * tf.contrib/tfa's triplet_semihard_loss): every anchor-positive pair of the
 * batch takes the nearest negative that is still farther than the positive
 * (d(a, n) > d(a, p)); when there is none, the farthest negative.
 * loss = mean over pairs of max(0, d(a, p) − d(a, n) + margin), squared
 * euclidean distances. Unlike batch-hard it does not pull a fresh network
 * into collapsing every embedding onto one point (measured: a random-init
 * student in the test sticks at loss = margin with batch-hard).
 */
export function semiHardTripletLoss(tf: typeof tfc, embeddings: tfc.Tensor2D, labels: readonly number[], margin = FACENET_TRIPLET_MARGIN): tfc.Scalar {
  const n = labels.length;
  const positive = new Float32Array(n * n);
  const negative = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (labels[i] === labels[j] && i !== j) positive[i * n + j] = 1;
      if (labels[i] !== labels[j]) negative[i * n + j] = 1;
    }
  }
  const pairs = positive.reduce((a, b) => a + b, 0);
  if (pairs === 0 || negative.every((x) => x === 0)) throw new FaceOptionError('semiHardTripletLoss', 'labels', labels, 'the batch needs two crops of one person and a crop of another');
  const d = squaredDistances(tf, embeddings);
  // The choice of negatives is made on the host (no gradient flows through a choice), then read back from d by a one-hot mask.
  const host = d.dataSync();
  const select = new Float32Array(n * n * n);
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (!positive[a * n + p]) continue;
      const dap = host[a * n + p]!;
      let outside = -1;
      let inside = -1;
      for (let k = 0; k < n; k++) {
        if (!negative[a * n + k]) continue;
        const dak = host[a * n + k]!;
        if (dak > dap && (outside < 0 || dak < host[a * n + outside]!)) outside = k;
        if (inside < 0 || dak > host[a * n + inside]!) inside = k;
      }
      select[(a * n + p) * n + (outside >= 0 ? outside : inside)] = 1;
    }
  }
  const chosen = tf.sum(tf.mul(tf.reshape(d, [n, 1, n]), tf.tensor3d(select, [n, n, n])), 2);
  const losses = tf.relu(tf.add(tf.sub(d, chosen), margin));
  return tf.div(tf.sum(tf.mul(losses, tf.tensor2d(positive, [n, n]))), pairs) as tfc.Scalar;
}

/**
 * Batch-hard triplet loss (Hermans, Beyer, Leibe 2017, "In Defense of the
 * Triplet Loss"; FaceNet's margin): for every anchor in the batch, its
 * farthest positive and nearest negative (squared euclidean distances),
 * loss = mean(max(0, d(a, p) − d(a, n) + margin)). Anchors without a
 * positive or without a negative in the batch are left out.
 */
export function batchHardTripletLoss(tf: typeof tfc, embeddings: tfc.Tensor2D, labels: readonly number[], margin = FACENET_TRIPLET_MARGIN): tfc.Scalar {
  const n = labels.length;
  const pos = new Float32Array(n * n);
  const negPenalty = new Float32Array(n * n);
  const valid = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let hasPos = false;
    let hasNeg = false;
    for (let j = 0; j < n; j++) {
      const same = labels[i] === labels[j];
      if (same && i !== j) {
        pos[i * n + j] = 1;
        hasPos = true;
      }
      // Positives and the anchor itself are pushed out of the negatives' minimum.
      if (same) negPenalty[i * n + j] = 1e4;
      else hasNeg = true;
    }
    valid[i] = hasPos && hasNeg ? 1 : 0;
  }
  const count = valid.reduce((a, b) => a + b, 0);
  if (count === 0) throw new FaceOptionError('batchHardTripletLoss', 'labels', labels, 'no anchor has both a positive and a negative in the batch');
  const distances = squaredDistances(tf, embeddings);
  const hardestPositive = tf.max(tf.mul(distances, tf.tensor2d(pos, [n, n])), 1);
  const hardestNegative = tf.min(tf.add(distances, tf.tensor2d(negPenalty, [n, n])), 1);
  const losses = tf.relu(tf.add(tf.sub(hardestPositive, hardestNegative), margin));
  return tf.div(tf.sum(tf.mul(losses, tf.tensor1d(valid))), count) as tfc.Scalar;
}

/**
 * Leave-one-out identification: each crop's embedding is matched (nearest,
 * euclidean) against all other crops; the fraction whose nearest is of the
 * same label. People with one crop only serve as distractors.
 */
export function leaveOneOutAccuracy(embeddings: readonly Float32Array[], labels: readonly number[]): number {
  let right = 0;
  let queries = 0;
  embeddings.forEach((e, i) => {
    if (labels.filter((l) => l === labels[i]).length < 2) return;
    const others = embeddings.filter((_, j) => j !== i);
    const otherLabels = labels.filter((_, j) => j !== i);
    queries++;
    if (otherLabels[nearestIndex(e, others)] === labels[i]) right++;
  });
  return queries === 0 ? Number.NaN : right / queries;
}

export interface TrainTripletOptions {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata?: Record<string, unknown>;
  readonly people: readonly LabeledFaces[];
  /** Crops kept out of training, to measure identification after each epoch (`valAccuracy`, leave-one-out). */
  readonly validation?: readonly LabeledFaces[];
  readonly tf: typeof tfc;
  readonly tfl: typeof tflayers;
  readonly tfBackend: string;
  readonly config?: Partial<EmbeddingTrainConfig>;
  readonly triplet?: Partial<TripletSettings>;
  readonly checkpointFile?: string;
  readonly resume?: boolean;
  readonly onStart?: (info: { startEpoch: number; config: EmbeddingTrainConfig; resumed: boolean }) => void;
  readonly onBatch?: (p: TrainBatchProgress) => void;
  readonly onEpoch?: (r: TrainEpochResult) => void | Promise<void>;
}

/**
 * Trains an embedding graph with the triplet loss (semi-hard or batch-hard mining) on labeled
 * faces (one entry per person, as read from one folder per person). Each
 * batch takes `peoplePerBatch` people at random and `cropsPerPerson`
 * augmented crops of each (drawn with replacement when a person has fewer).
 * Checkpoints and resume as trainEmbedding.
 */
export async function trainTriplet(options: TrainTripletOptions): Promise<TrainEmbeddingResult> {
  const t: TripletSettings = { ...TRIPLET_DEFAULTS, ...options.triplet };
  const people = options.people.filter((p) => p.crops.length > 0);
  if (people.length < 2) throw new FaceOptionError('trainTriplet', 'people', people.length, 'expected at least two people with at least one face crop each (a triplet needs a negative)');
  for (const [k, v] of [['peoplePerBatch', t.peoplePerBatch], ['cropsPerPerson', t.cropsPerPerson]] as const) {
    if (!Number.isInteger(v) || v < 2) throw new FaceOptionError('trainTriplet', k, v, 'expected an integer ≥ 2');
  }
  const size = (options.graph.nodes.find((n) => n.op === 'input')!.attrs as { shape: number[] }).shape[1]!;
  const perBatch = Math.min(t.peoplePerBatch, people.length);
  const totalCrops = people.reduce((a, p) => a + p.crops.length, 0);
  const batchesPerEpoch = t.batchesPerEpoch ?? Math.max(1, Math.round(totalCrops / (perBatch * t.cropsPerPerson)));
  const validation = (options.validation ?? []).flatMap((p, label) => p.crops.map((crop) => ({ crop, label })));
  const validationImages = validation.map((v) => applyAugmentation(v.crop, { flipped: false, dx: 0, dy: 0, zoom: 1, brightness: 0, contrast: 1 }, size));
  return trainEmbedding<number[]>({
    graph: options.graph,
    weights: options.weights,
    ...(options.metadata ? { metadata: options.metadata } : {}),
    tf: options.tf,
    tfl: options.tfl,
    tfBackend: options.tfBackend,
    config: { ...options.config, batchSize: perBatch * t.cropsPerPerson },
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
    epochBatches: (_epoch, random) =>
      Array.from({ length: batchesPerEpoch }, () => {
        const chosen = people.map((_, i) => i);
        for (let i = chosen.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
        }
        const images: RgbImage[] = [];
        const labels: number[] = [];
        for (const p of chosen.slice(0, perBatch)) {
          const crops = people[p]!.crops;
          for (let k = 0; k < t.cropsPerPerson; k++) {
            const crop = crops.length >= t.cropsPerPerson ? crops[(Math.floor(random() * crops.length) + k) % crops.length]! : crops[Math.floor(random() * crops.length)]!;
            images.push(applyAugmentation(crop, drawAugmentation(random, t.augment), size));
            labels.push(p);
          }
        }
        return { images, targets: labels };
      }),
    loss: (tf, embeddings, batch) => (t.mining === 'batch-hard' ? batchHardTripletLoss : semiHardTripletLoss)(tf, embeddings, batch.targets, t.margin),
    ...(validation.length > 0
      ? {
          evaluate: (embed: (images: readonly RgbImage[]) => Float32Array[]) => ({
            valAccuracy: leaveOneOutAccuracy(
              embed(validationImages),
              validation.map((v) => v.label),
            ),
          }),
        }
      : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
  });
}
