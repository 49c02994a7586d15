import type { Graph, Weights } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { FaceOptionError } from '../errors';
import { type EmbedderMirror, applyMirror, checkMirror } from '../mirror-canonical';
import { type DistillSet, type DistillView, renderDistillView } from './distill-set';
import { type EmbeddingTrainConfig, type TrainBatchProgress, type TrainEmbeddingResult, type TrainEpochResult, trainEmbedding } from './embedding-trainer';

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
    epochBatches: (_epoch, random, batchSize) => {
      const order = set.trainViews.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const batches = [];
      for (let s = 0; s < order.length; s += batchSize) {
        const idx = order.slice(s, s + batchSize);
        batches.push({ images: idx.map((i) => render(set.trainViews[i]!)), targets: idx.map((i) => targets[i]!) });
      }
      return batches;
    },
    loss: (tf, embeddings, batch) => {
      const t = tf.tensor2d(batch.targets.flatMap((x) => Array.from(x)), [batch.targets.length, batch.targets[0]!.length]);
      return tf.mean(tf.sum(tf.squaredDifference(embeddings, t), 1)) as tfc.Scalar;
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
