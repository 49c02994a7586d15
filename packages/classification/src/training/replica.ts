import type { Graph, WeightTensor, Weights } from '@mobilenet-kit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { buildLayersSegment, type LayersSegment, readVariables } from './layers-bridge';
import { type FreezeSpec, type TrainingSegments, trainingSegments } from './segments';

/**
 * One copy of a classifier being trained: the frozen and trainable segments
 * as tfjs-layers models, the head's dense kernel and bias as variables, and
 * the forward and backward pass of one shard of a batch. The trainer holds
 * one in the main thread; data-parallel training holds one more per worker
 * thread, all kept equal by the main thread after every step.
 */
export interface TrainingReplica {
  readonly segments: TrainingSegments;
  /** The parameters gradient descent updates, by name, in a fixed order. */
  readonly trainable: ReadonlyMap<string, tfc.Variable>;
  /** BN moving means and variances (updated by the forward pass in training mode), by name, in a fixed order. */
  readonly movingStatistics: ReadonlyMap<string, tfc.Variable>;
  readonly denseKernel: tfc.Variable;
  readonly denseBias: tfc.Variable;
  /** Pooled backbone features `[n, featureSize]`; `training` puts the trainable segment's BN in training mode. */
  featuresOf(x: tfc.Tensor, training: boolean): tfc.Tensor;
  /** Every weight of the classifier (the starting weights with the variables' current values). */
  collectWeights(): Map<string, WeightTensor>;
  dispose(): void;
}

/** What one shard of a batch gives: its mean loss, its predicted classes and the gradient of that mean loss per trainable parameter. */
export interface ShardGradients {
  readonly loss: tfc.Scalar;
  readonly predictions: tfc.Tensor;
  readonly grads: Map<string, tfc.Tensor>;
}

export interface ReplicaSettings {
  readonly freeze: FreezeSpec;
  readonly batchNormMomentum: number;
}

export function createTrainingReplica(graph: Graph, weights: Weights, settings: ReplicaSettings, tf: typeof tfc, tfl: typeof tflayers): TrainingReplica {
  const segments = trainingSegments(graph, settings.freeze);
  const frozen: LayersSegment | undefined = segments.frozen && buildLayersSegment(segments.frozen, weights, tf, tfl);
  const trainableSegment: LayersSegment | undefined = segments.trainable && buildLayersSegment(segments.trainable, weights, tf, tfl);
  if (trainableSegment) {
    for (const layer of trainableSegment.model.layers) if (layer.getClassName() === 'BatchNormalization') (layer as unknown as { momentum: number }).momentum = settings.batchNormMomentum;
  }
  const weight = (name: string): WeightTensor => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight "${name}" is missing`);
    return w;
  };
  const kernelName = `${segments.dense.node}/kernel`;
  const biasName = `${segments.dense.node}/bias`;
  // Inside tidy: tf.variable keeps its own reference, the initial tensor is freed.
  const denseKernel = tf.tidy(() => tf.variable(tf.tensor(weight(kernelName).data, [...weight(kernelName).shape]), true));
  const denseBias = tf.tidy(() => tf.variable(tf.tensor(weight(biasName).data, [...weight(biasName).shape]), true));
  const trainable = new Map<string, tfc.Variable>([...(trainableSegment?.trainableNames ?? []).map((n) => [n, trainableSegment!.variables.get(n)!] as const), [kernelName, denseKernel], [biasName, denseBias]]);
  const movingStatistics = new Map<string, tfc.Variable>([...(trainableSegment?.variables ?? new Map<string, tfc.Variable>())].filter(([n]) => !trainable.has(n)));

  return {
    segments,
    trainable,
    movingStatistics,
    denseKernel,
    denseBias,
    featuresOf(x, training) {
      let h = x;
      if (frozen) h = frozen.model.apply(h, { training: false }) as tfc.Tensor;
      if (trainableSegment) h = trainableSegment.model.apply(h, { training }) as tfc.Tensor;
      return h;
    },
    collectWeights() {
      const out = new Map(weights);
      if (frozen) for (const [n, w] of readVariables(frozen.variables)) out.set(n, w);
      if (trainableSegment) for (const [n, w] of readVariables(trainableSegment.variables)) out.set(n, w);
      for (const [n, w] of readVariables(new Map([[kernelName, denseKernel], [biasName, denseBias]]))) out.set(n, w);
      return out;
    },
    dispose() {
      denseKernel.dispose();
      denseBias.dispose();
      frozen?.dispose();
      trainableSegment?.dispose();
    },
  };
}

/**
 * The forward and backward pass of one shard: features (BN in training mode),
 * dropout with the given mask, the dense layer, softmax cross-entropy with
 * label smoothing (mean over the shard). Call inside tf.tidy; the returned
 * tensors are kept. `features` computes the shard's pooled features (through
 * featuresOf, or from a feature cache) inside the taped function.
 */
export function shardGradients(
  replica: TrainingReplica,
  tf: typeof tfc,
  shard: {
    readonly features: () => tfc.Tensor;
    readonly labels: ArrayLike<number>;
    readonly dropoutMask: Float32Array;
    readonly classes: number;
    readonly labelSmoothing: number;
    /** Target distributions `[n, classes]` row-major instead of one-hot labels (then labelSmoothing is not applied). */
    readonly targets?: Float32Array;
  },
): ShardGradients {
  const n = shard.labels.length;
  const y = shard.targets ? tf.tensor2d(shard.targets, [n, shard.classes]) : tf.oneHot(tf.tensor1d(Array.from(shard.labels), 'int32'), shard.classes);
  const dropMask = tf.tensor2d(shard.dropoutMask, [n, replica.segments.featureSize]);
  let predictions: tfc.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    // Inside the taped function, so that gradients reach the trainable backbone layers.
    const logits = tf.add(tf.matMul(tf.mul(shard.features(), dropMask), replica.denseKernel), replica.denseBias);
    predictions = tf.keep(tf.argMax(logits, 1));
    // The L2 term's gradient (l2·w on conv and FC kernels) is added by the optimizer; the loss reported is the data term.
    return tf.losses.softmaxCrossEntropy(y, logits, undefined, shard.targets ? 0 : shard.labelSmoothing) as tfc.Scalar;
  }, [...replica.trainable.values()]);
  const byName = new Map<string, tfc.Tensor>();
  for (const [name, v] of replica.trainable) {
    const g = grads[v.name];
    if (g) byName.set(name, g);
  }
  return { loss: value, predictions: predictions!, grads: byName };
}
