import type { Graph, Weights } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { FaceOptionError } from '../errors';
import { type EmbedderMirror, applyMirror, checkMirror } from '../mirror-canonical';
import { type DistillSet, type DistillView, renderDistillView } from './distill-set';
import { type EmbeddingTrainConfig, type TrainBatchProgress, type TrainEmbeddingResult, type TrainEpochResult, trainEmbedding } from './embedding-trainer';
import { squaredDistances } from './pairwise-distances';

export interface DistillStudentOptions {
  /** The student (faceStudentGraph / createFaceStudent) and its starting weights; ignored when resuming. */
  readonly graph: Graph;
  readonly weights: Weights;
  readonly metadata?: Record<string, unknown>;
  readonly set: DistillSet;
  readonly tf: typeof tfc;
  readonly tfl: typeof tflayers;
  readonly tfBackend: string;
  readonly config?: Partial<EmbeddingTrainConfig>;
  readonly checkpointFile?: string;
  readonly resume?: boolean;
  /**
   * 'canonical': the student sees every view (training and held-out) mirrored
   * to its canonical orientation (canonicalMirror), as an embedder created
   * with `mirror: 'canonical'` will show it crops; the teacher's target is
   * its descriptor of the view as rendered. Default 'none'.
   */
  readonly mirror?: EmbedderMirror;
  /**
   * Weight of a relational term added to the loss: RKD's distance loss (Park
   * et al. 2019, "Relational Knowledge Distillation"), the Huber loss between
   * the student's and the teacher's pairwise distances within the batch,
   * each divided by its mean. It asks for the teacher's geometry (which face
   * lies nearest which), the thing matching depends on, rather than only
   * each point. Default 0 (the squared distance alone, as PAPER.md's Table 14).
   */
  readonly relational?: number;
  /** Measure held-out loss and cosine after each epoch. Default true. */
  readonly validate?: boolean;
  readonly onStart?: (info: { startEpoch: number; config: EmbeddingTrainConfig; resumed: boolean }) => void;
  readonly onBatch?: (p: TrainBatchProgress) => void;
  readonly onEpoch?: (r: TrainEpochResult) => void | Promise<void>;
}

/** The teacher's descriptor scaled to unit length: what the student's L2-normalized embedding is pulled towards. */
export function unitTarget(teacher: Float32Array): Float32Array {
  let sum = 0;
  for (const x of teacher) sum += x * x;
  const scale = 1 / Math.sqrt(Math.max(sum, 1e-12));
  return teacher.map((x) => x * scale);
}

/**
 * RKD's distance loss (Park et al. 2019, eq. 3–4): the Huber loss (δ = 1)
 * between the two sets of pairwise euclidean distances of a batch [n, d],
 * each divided by its mean over the n·(n − 1) ordered pairs. The diagonal is
 * masked before the square root, so that no gradient flows through √0.
 */
export function relationalDistanceLoss(tf: typeof tfc, student: tfc.Tensor2D, teacher: tfc.Tensor2D): tfc.Scalar {
  return tf.tidy(() => {
    const n = student.shape[0];
    const eye = tf.eye(n);
    const offDiagonal = tf.sub(tf.onesLike(eye), eye);
    const normalized = (x: tfc.Tensor2D) => {
      const d = tf.mul(tf.sqrt(tf.add(tf.mul(squaredDistances(tf, x), offDiagonal), 1e-12)), offDiagonal);
      return tf.div(d, tf.div(tf.sum(d), n * (n - 1)));
    };
    const diff = tf.abs(tf.sub(normalized(student), normalized(teacher)));
    // Huber with δ = 1 as ½·min(x, 1)² + (x − min(x, 1)): no comparison op on the gradient's path.
    const clipped = tf.minimum(diff, 1);
    const huber = tf.add(tf.mul(0.5, tf.square(clipped)), tf.sub(diff, clipped));
    return tf.div(tf.sum(tf.mul(huber, offDiagonal)), n * (n - 1)) as tfc.Scalar;
  });
}

/** Indices 0…count−1 in an order drawn with `random` (Fisher–Yates), cut into batches: every view once per epoch. */
export function shuffledBatches(count: number, random: () => number, batchSize: number): number[][] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const batches: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(order.slice(s, s + batchSize));
  return batches;
}

/** Squared euclidean distance of two vectors. */
function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/**
 * Distills the teacher into the student (PAPER.md, Table 14): the loss is
 * the squared L2 distance between the student's embedding of an augmented
 * crop and the teacher's (unit-length) descriptor of the same crop, averaged
 * over the batch. Every epoch visits each precomputed training view once, in
 * an order drawn from (seed, epoch). After each epoch the held-out views
 * give `valLoss` and `valCosine` (mean cosine, student vs teacher).
 */
export async function distillStudent(options: DistillStudentOptions): Promise<TrainEmbeddingResult> {
  const { set } = options;
  if (set.trainViews.length === 0) throw new FaceOptionError('distillStudent', 'set.trainViews', 0, 'expected at least one training view (no faces found?)');
  const size = (options.graph.nodes.find((n) => n.op === 'input')!.attrs as { shape: number[] }).shape[1]!;
  const targets = set.trainViews.map((v) => unitTarget(v.teacher));
  const heldOutTargets = set.heldOutViews.map((v) => unitTarget(v.teacher));
  const mirror = checkMirror('distillStudent', options.mirror);
  const relational = options.relational ?? 0;
  if (typeof relational !== 'number' || !(relational >= 0) || !Number.isFinite(relational)) throw new FaceOptionError('distillStudent', 'relational', relational, 'expected a finite weight ≥ 0');
  const render = (v: DistillView) => applyMirror(renderDistillView(set.faces, v, size), mirror);
  const heldOutImages: RgbImage[] = options.validate === false ? [] : set.heldOutViews.map(render);
  return trainEmbedding<Float32Array[]>({
    graph: options.graph,
    weights: options.weights,
    ...(options.metadata ? { metadata: options.metadata } : {}),
    tf: options.tf,
    tfl: options.tfl,
    tfBackend: options.tfBackend,
    ...(options.config ? { config: options.config } : {}),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
    epochBatches: (_epoch, random, batchSize) =>
      shuffledBatches(set.trainViews.length, random, batchSize).map((idx) => ({ images: idx.map((i) => render(set.trainViews[i]!)), targets: idx.map((i) => targets[i]!) })),
    loss: (tf, embeddings, batch) => {
      const t = tf.tensor2d(batch.targets.flatMap((x) => Array.from(x)), [batch.targets.length, batch.targets[0]!.length]);
      const pointwise = tf.mean(tf.sum(tf.squaredDifference(embeddings, t), 1)) as tfc.Scalar;
      if (!relational || batch.targets.length < 3) return pointwise;
      return tf.add(pointwise, tf.mul(relational, relationalDistanceLoss(tf, embeddings, t))) as tfc.Scalar;
    },
    ...(heldOutImages.length > 0
      ? {
          evaluate: (embed: (images: readonly RgbImage[]) => Float32Array[]) => {
            const e = embed(heldOutImages);
            let loss = 0;
            for (let i = 0; i < e.length; i++) loss += squaredDistance(e[i]!, heldOutTargets[i]!);
            loss /= e.length;
            // Both are unit vectors: cos = 1 − d²/2.
            return { valLoss: loss, valCosine: 1 - loss / 2 };
          },
        }
      : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
  });
}
