import type { Graph, Weights } from '@mobilenet-kit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import { type ReplicaSettings, shardGradients, type TrainingReplica } from './replica';

/**
 * Data-parallel training: the batch is cut into shards (TrainConfig.shards),
 * each with its own BN batch statistics, as when TensorFlow trains on several
 * GPUs. The main thread computes one shard; a GradientWorkers pool computes
 * others at the same time on replicas of the model and sends back each
 * shard's gradients and BN moving statistics. The main thread averages them
 * (weighted by shard size: the mean loss of the whole batch), applies the
 * optimizer and sends the new parameters with the next shards, so every
 * replica holds the same weights at every step.
 */
export interface GradientWorkers {
  /** How many shards the pool computes at once. */
  readonly count: number;
  /** Builds a replica in every worker (the starting weights; later steps send the state with each job). */
  start(init: WorkerInit): Promise<void>;
  /** Computes `jobs` (at most `count`) from `state` (trainable parameters then moving statistics, flat, in the replica's order). */
  run(jobs: readonly ShardJob[], state: Float32Array): Promise<ShardResult[]>;
  dispose(): Promise<void>;
}

export interface WorkerInit {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly settings: ReplicaSettings;
  /** The tfjs backend to train on, as in the main thread ('wasm' or 'cpu'). */
  readonly tfBackend: string;
  readonly classes: number;
  readonly labelSmoothing: number;
  /** The main replica's parameter order; a worker whose replica differs refuses to start. */
  readonly trainableNames: readonly string[];
  readonly movingNames: readonly string[];
}

export interface ShardJob {
  /** The shard's preprocessed input, NHWC. */
  readonly input: Float32Array;
  readonly shape: readonly [number, number, number, number];
  readonly labels: Int32Array;
  readonly dropoutMask: Float32Array;
}

export interface ShardResult {
  /** Mean loss over the shard. */
  readonly loss: number;
  readonly predictions: Int32Array;
  /** Gradients of the mean loss, flat in the trainable order. */
  readonly grads: Float32Array;
  /** BN moving statistics after the shard's forward pass, flat in the moving order. */
  readonly moving: Float32Array;
}

/** Total element count of a list of variables. */
function sizeOf(variables: Iterable<tfc.Variable>): number {
  let n = 0;
  for (const v of variables) n += v.size;
  return n;
}

/** Every variable's values one after another, in the maps' order. */
export function flattenVariables(...groups: ReadonlyMap<string, tfc.Variable>[]): Float32Array {
  const out = new Float32Array(groups.reduce((n, g) => n + sizeOf(g.values()), 0));
  let offset = 0;
  for (const group of groups) {
    for (const v of group.values()) {
      out.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
  }
  return out;
}

/** Assigns consecutive slices of `flat` (from `offset`) to the variables, in the map's order; returns the offset after them. */
export function assignFlat(tf: typeof tfc, variables: ReadonlyMap<string, tfc.Variable>, flat: Float32Array, offset = 0): number {
  let at = offset;
  for (const v of variables.values()) {
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(at, at + v.size), v.shape, 'float32')));
    at += v.size;
  }
  return at;
}

/** Gradients flat in the trainable order (zeros where a parameter has none). */
export function flattenGradients(trainable: ReadonlyMap<string, tfc.Variable>, grads: ReadonlyMap<string, tfc.Tensor>): Float32Array {
  const out = new Float32Array(sizeOf(trainable.values()));
  let offset = 0;
  for (const [name, v] of trainable) {
    const g = grads.get(name);
    if (g) out.set(g.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

/** Σ weights[k] · parts[k], element by element. */
export function weightedSum(parts: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const out = new Float32Array(parts[0]!.length);
  parts.forEach((p, k) => {
    const w = weights[k]!;
    for (let i = 0; i < out.length; i++) out[i]! += w * p[i]!;
  });
  return out;
}

/** `count` contiguous ranges covering 0..n as evenly as possible (larger ones first); empty ranges are dropped. */
export function shardRanges(n: number, count: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  let start = 0;
  for (let k = 0; k < count; k++) {
    const size = Math.floor(n / count) + (k < n % count ? 1 : 0);
    if (size > 0) out.push([start, start + size]);
    start += size;
  }
  return out;
}

/**
 * One shard's forward and backward pass on a replica, read back to the host:
 * what a worker sends and what the main thread computes for its own shards.
 * `features` replaces the backbone (cached features); by default the job's
 * input goes through the replica with BN in training mode. `gradNames`: the
 * parameters that received a gradient.
 */
export function computeShard(
  replica: TrainingReplica,
  tf: typeof tfc,
  job: ShardJob,
  head: { readonly classes: number; readonly labelSmoothing: number },
  features: () => tfc.Tensor = () => replica.featuresOf(tf.tensor4d(job.input, [...job.shape]), true),
): { result: ShardResult; gradNames: ReadonlySet<string> } {
  let grads: Float32Array | undefined;
  let gradNames: ReadonlySet<string> | undefined;
  const out = tf.tidy(() => {
    const g = shardGradients(replica, tf, { features, labels: job.labels, dropoutMask: job.dropoutMask, classes: head.classes, labelSmoothing: head.labelSmoothing });
    gradNames = new Set(g.grads.keys());
    // Not returned from tidy: tidy walks a returned typed array element by element.
    grads = flattenGradients(replica.trainable, g.grads);
    return { loss: g.loss, predictions: g.predictions };
  });
  const result: ShardResult = {
    loss: (out.loss.dataSync() as Float32Array)[0]!,
    predictions: Int32Array.from(out.predictions.dataSync() as Int32Array),
    grads: grads!,
    moving: flattenVariables(replica.movingStatistics),
  };
  out.loss.dispose();
  out.predictions.dispose();
  return { result, gradNames: gradNames! };
}
