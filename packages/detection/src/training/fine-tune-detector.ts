import { deriveSeed, mulberry32 } from '@mobilenet-kit/backbone';
import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import type { Graph, HostTensor, Weights, WeightTensor } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { AnchorsInput } from './anchors-input';
import { assignTargets, type AssignTargetsOptions, type GroundTruth, type SsdTargets } from './assign-targets';
import { type DetectorOutputNames, findTrainingOutputs } from './detector-outputs';
import { DetectionOptionError } from '../errors';
import { readLayersWeights } from './layers-weights';
import { pointwiseConvsAsDense, restoreWeightShapes } from './pointwise-as-dense';
import { type HeadSplit, splitAtHead } from './split-at-head';
import { type ClassificationLossKind, ssdLoss } from './ssd-loss';

/** One labeled training image: preprocessed pixels (as the detector's input expects them) and its boxes. */
export interface DetectionExample extends GroundTruth {
  /** `[H, W, C]` or `[1, H, W, C]`, already resized and normalized for the network. */
  readonly image: HostTensor;
}

export type DetectionOptimizer = 'rmsprop' | 'adam' | 'sgd';

export interface StepProgress {
  readonly epoch: number;
  /** 0-based step within the epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
  readonly locLoss: number;
  readonly clsLoss: number;
  readonly numPositives: number;
  readonly numNegatives: number;
}

export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  /** Means over the epoch's steps. */
  readonly loss: number;
  readonly locLoss: number;
  readonly clsLoss: number;
}

export interface FineTuneDetectorOptions {
  readonly graph: Graph;
  readonly weights: Weights;
  /** The anchors the graph's box output is encoded against (normalized corners). */
  readonly anchors: AnchorsInput;
  readonly dataset: readonly DetectionExample[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Default 'rmsprop' (the paper's optimizer; decay 0.9, momentum 0.9, ε 1 as in TF-OD's ssd_mobilenet_v1 configs). */
  readonly optimizer?: DetectionOptimizer;
  /** Train only the head: every layer whose node name does not start with `headScope`. Default false. */
  readonly freezeBackbone?: boolean;
  /** Node-name prefix of the SSD head, used by `freezeBackbone`. Default 'ssd/'. */
  readonly headScope?: string;
  /**
   * 'frozen' (default): batch norm uses its moving statistics and its
   * parameters are not trained, as TF-OD's freeze_batchnorm for fine-tuning
   * with small batches. 'train': batch statistics in the forward pass, gamma
   * and beta trained, moving statistics updated (momentum 0.99, tfjs-layers).
   */
  readonly batchNorm?: 'frozen' | 'train';
  /** Names of the graph's box and class outputs; found by name when absent. */
  readonly outputs?: DetectorOutputNames;
  /** Default: the activation that ends the class output (sigmoid if none). */
  readonly classification?: ClassificationLossKind;
  readonly negativesPerPositive?: number;
  readonly minNegativesPerImage?: number;
  readonly locWeight?: number;
  readonly clsWeight?: number;
  readonly matching?: AssignTargetsOptions;
  /** Shuffles the dataset each epoch with this seed; null keeps the order. Default 0. */
  readonly shuffleSeed?: number | null;
  readonly onStep?: (progress: StepProgress) => void | Promise<void>;
  readonly onEpoch?: (record: EpochRecord) => void | Promise<void>;
}

export interface FineTuneDetectorResult {
  /** Every weight of the input map, the trained ones replaced; save with `saveModel(dir, graph, weights)`. */
  readonly weights: Map<string, WeightTensor>;
  readonly history: EpochRecord[];
}

const WHERE = 'fineTuneDetector';

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new DetectionOptionError(WHERE, name, value, 'an integer ≥ 1');
  return value;
}

function makeOptimizer(kind: DetectionOptimizer, learningRate: number): tf.Optimizer {
  switch (kind) {
    case 'rmsprop':
      // ssd_mobilenet_v1_coco.config: rms_prop_optimizer { momentum_optimizer_value: 0.9, decay: 0.9, epsilon: 1.0 }.
      return tf.train.rmsprop(learningRate, 0.9, 0.9, 1.0);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    default:
      throw new DetectionOptionError(WHERE, 'optimizer', kind, '"rmsprop", "adam" or "sgd"');
  }
}

function inputShape(graph: Graph): [number, number, number] {
  const inputs = graph.nodes.filter((n) => n.op === 'input');
  if (inputs.length !== 1) throw new DetectionOptionError(WHERE, 'graph inputs', inputs.map((n) => n.name), 'a detector graph with exactly one input');
  const shape = (inputs[0]!.attrs as { shape: readonly (number | null)[] }).shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => typeof d !== 'number')) {
    throw new DetectionOptionError(WHERE, `shape of input "${inputs[0]!.name}"`, shape, '[N, H, W, C] with fixed H, W, C');
  }
  return shape.slice(1) as [number, number, number];
}

function checkImage(example: DetectionExample, index: number, [h, w, c]: [number, number, number]): void {
  const image = example?.image;
  const shape = image?.shape ?? [];
  const hw = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (hw.length !== 3 || hw[0] !== h || hw[1] !== w || hw[2] !== c) {
    throw new DetectionOptionError(WHERE, `dataset[${index}].image.shape`, shape, `[${h}, ${w}, ${c}] or [1, ${h}, ${w}, ${c}] (the graph's input)`);
  }
  if (!(image.data instanceof Float32Array) || image.data.length !== h * w * c) {
    throw new DetectionOptionError(WHERE, `dataset[${index}].image.data.length`, image.data?.length, `${h * w * c} float32 values`);
  }
}

function sliceTargets(all: SsdTargets, indices: readonly number[]): SsdTargets {
  const A = all.numAnchors;
  const boxTargets = new Float32Array(indices.length * A * 4);
  const classTargets = new Int32Array(indices.length * A);
  const matches = new Int32Array(indices.length * A);
  let numPositives = 0;
  indices.forEach((src, dst) => {
    boxTargets.set(all.boxTargets.subarray(src * A * 4, (src + 1) * A * 4), dst * A * 4);
    classTargets.set(all.classTargets.subarray(src * A, (src + 1) * A), dst * A);
    const m = all.matches.subarray(src * A, (src + 1) * A);
    matches.set(m, dst * A);
    for (const v of m) if (v >= 0) numPositives++;
  });
  return { batchSize: indices.length, numAnchors: A, boxTargets, classTargets, matches, numPositives };
}

/** Runs the backbone once over the dataset (inference mode) and keeps, per boundary node, each image's feature map. */
function backboneFeatures(
  split: HeadSplit,
  weights: Weights,
  dataset: readonly DetectionExample[],
  [h, w, c]: [number, number, number],
  batchSize: number,
): { shape: [number, number, number]; data: Float32Array[] }[] {
  const { model } = toLayersModel(split.backbone, weights, tf, tfl);
  try {
    const shapes = model.outputs.map((o) => o.shape.slice(1) as [number, number, number]);
    const features = shapes.map((shape) => ({ shape, data: [] as Float32Array[] }));
    for (let start = 0; start < dataset.length; start += batchSize) {
      const chunk = dataset.slice(start, start + batchSize);
      const batch = new Float32Array(chunk.length * h * w * c);
      chunk.forEach((e, i) => batch.set(e.image.data, i * h * w * c));
      const outputs = tf.tidy(() => {
        const y = model.apply(tf.tensor4d(batch, [chunk.length, h, w, c]), { training: false });
        return (Array.isArray(y) ? y : [y]).map((t) => (t as tf.Tensor).dataSync() as Float32Array);
      });
      outputs.forEach((data, k) => {
        const size = data.length / chunk.length;
        for (let i = 0; i < chunk.length; i++) features[k]!.data.push(data.slice(i * size, (i + 1) * size));
      });
    }
    return features;
  } finally {
    model.dispose();
  }
}

/**
 * Fine-tunes an SSD detector (our graph + weights) on labeled images through
 * the tfjs-layers lowering (`toLayersModel`): targets are assigned once per
 * image (TF-OD argmax matching), each step runs the model, the SSD loss with
 * hard negative mining, and the optimizer over the trainable layers. Runs on
 * the active tfjs backend; it needs gradient kernels for conv and depthwise
 * conv, which tfjs-backend-cpu and webgl have and tfjs-backend-wasm 4.22 lacks.
 * Every tensor it makes is disposed before it returns, also on error.
 * With `freezeBackbone` (and batch norm frozen) the backbone runs once per
 * image before the first step and only the head runs in the steps.
 */
export async function fineTuneDetector(options: FineTuneDetectorOptions): Promise<FineTuneDetectorResult> {
  const { graph, weights, dataset } = options;
  const epochs = positiveInteger(options.epochs, 'epochs');
  const batchSize = positiveInteger(options.batchSize, 'batchSize');
  if (typeof options.learningRate !== 'number' || !(options.learningRate > 0) || !Number.isFinite(options.learningRate)) {
    throw new DetectionOptionError(WHERE, 'learningRate', options.learningRate, 'a finite number > 0');
  }
  if (!Array.isArray(dataset) || dataset.length === 0) throw new DetectionOptionError(WHERE, 'dataset', dataset, 'a non-empty array of { image, boxes, labels }');
  const batchNorm = options.batchNorm ?? 'frozen';
  if (batchNorm !== 'frozen' && batchNorm !== 'train') throw new DetectionOptionError(WHERE, 'batchNorm', batchNorm, '"frozen" or "train"');
  const [h, w, c] = inputShape(graph);
  dataset.forEach((example, i) => checkImage(example, i, [h, w, c]));
  const outputs = findTrainingOutputs(graph, options.outputs);
  const classification = options.classification ?? outputs.scoreActivation ?? 'sigmoid';
  const allTargets = assignTargets(options.anchors, dataset, options.matching);
  if (allTargets.numAnchors !== outputs.numAnchors) {
    throw new DetectionOptionError(WHERE, 'anchors count', allTargets.numAnchors, `${outputs.numAnchors}, the anchors of the graph's box output`);
  }
  for (let i = 0; i < allTargets.classTargets.length; i++) {
    if (allTargets.classTargets[i]! >= outputs.numColumns) {
      const image = Math.floor(i / allTargets.numAnchors);
      throw new DetectionOptionError(WHERE, `dataset[${image}].labels`, Array.from(dataset[image]!.labels), `class ids 1…${outputs.numColumns - 1} (the class output has ${outputs.numColumns} columns, column 0 the background)`);
    }
  }
  const optimizerKind = options.optimizer ?? 'rmsprop';
  if (optimizerKind !== 'rmsprop' && optimizerKind !== 'adam' && optimizerKind !== 'sgd') {
    throw new DetectionOptionError(WHERE, 'optimizer', optimizerKind, '"rmsprop", "adam" or "sgd"');
  }
  const headScope = options.headScope ?? 'ssd/';

  // The graph trained: outputs the box encodings and the logits; pointwise convs as dense layers (same function, faster gradients).
  const lowered = pointwiseConvsAsDense(
    {
      name: graph.name,
      nodes: graph.nodes,
      outputs: [
        { name: 'boxEncodings', node: outputs.boxNode },
        { name: 'classLogits', node: outputs.logitsNode },
      ],
    },
    weights,
  );
  const isHead = (node: string) => node.startsWith(headScope);
  // A frozen backbone in inference mode gives each image the same features at every step: compute them once.
  const cacheFeatures = options.freezeBackbone === true && batchNorm === 'frozen';
  const split = cacheFeatures ? splitAtHead(lowered.graph, isHead) : null;
  let build: ReturnType<typeof toLayersModel> | undefined;
  let optimizer: tf.Optimizer | undefined;
  try {
    // Per model input, one Float32Array per image.
    let inputsPerImage: { shape: [number, number, number]; data: Float32Array[] }[];
    if (split) {
      inputsPerImage = backboneFeatures(split, lowered.weights, dataset, [h, w, c], batchSize);
      build = toLayersModel(split.head, lowered.weights, tf, tfl);
    } else {
      inputsPerImage = [{ shape: [h, w, c], data: dataset.map((e) => e.image.data) }];
      build = toLayersModel(lowered.graph, lowered.weights, tf, tfl);
    }
    const { model } = build;
    const nodeOfLayer = new Map([...build.layerNames].map(([node, layer]) => [layer, node]));
    for (const layer of model.layers) {
      const node = nodeOfLayer.get(layer.name) ?? '';
      const isBatchNorm = layer.getClassName() === 'BatchNormalization';
      if ((batchNorm === 'frozen' && isBatchNorm) || (options.freezeBackbone && !isHead(node))) layer.trainable = false;
    }
    optimizer = makeOptimizer(optimizerKind, options.learningRate);
    const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
    if (variables.length === 0) throw new DetectionOptionError(WHERE, 'freezeBackbone', options.freezeBackbone, `leaves nothing to train: no layer's node starts with headScope "${headScope}"`);
    const training = batchNorm === 'train';
    const random = options.shuffleSeed === null ? null : mulberry32(deriveSeed(options.shuffleSeed ?? 0, 'fineTuneDetector/shuffle'));
    const order = dataset.map((_, i) => i);
    const stepsPerEpoch = Math.ceil(dataset.length / batchSize);
    const history: EpochRecord[] = [];

    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (random) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
      }
      let sumLoss = 0;
      let sumLoc = 0;
      let sumCls = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const indices = order.slice(step * batchSize, (step + 1) * batchSize);
        const targets = sliceTargets(allTargets, indices);
        let stats = { loss: 0, locLoss: 0, clsLoss: 0, numPositives: 0, numNegatives: 0 };
        tf.tidy(() => {
          const xs = inputsPerImage.map(({ shape, data }) => {
            const size = shape[0] * shape[1] * shape[2];
            const batch = new Float32Array(indices.length * size);
            indices.forEach((src, dst) => batch.set(data[src]!, dst * size));
            return tf.tensor4d(batch, [indices.length, ...shape]);
          });
          const { value, grads } = tf.variableGrads(() => {
            const [boxEncodings, classLogits] = model.apply(xs.length === 1 ? xs[0]! : xs, { training }) as tf.Tensor[];
            const l = ssdLoss({ boxEncodings: boxEncodings!, classLogits: classLogits! }, targets, {
              negativesPerPositive: options.negativesPerPositive,
              minNegativesPerImage: options.minNegativesPerImage,
              locWeight: options.locWeight,
              clsWeight: options.clsWeight,
              classification,
            });
            stats = { loss: 0, locLoss: l.locLoss.dataSync()[0]!, clsLoss: l.clsLoss.dataSync()[0]!, numPositives: l.numPositives, numNegatives: l.numNegatives };
            return l.loss;
          }, variables);
          stats.loss = value.dataSync()[0]!;
          optimizer!.applyGradients(grads);
        });
        if (!Number.isFinite(stats.loss)) {
          throw new Error(`${WHERE}: the loss became ${stats.loss} at epoch ${epoch}, step ${step}; lower the learning rate (${options.learningRate})`);
        }
        sumLoss += stats.loss;
        sumLoc += stats.locLoss;
        sumCls += stats.clsLoss;
        await options.onStep?.({ epoch, step, stepsPerEpoch, ...stats });
      }
      const record = { epoch, loss: sumLoss / stepsPerEpoch, locLoss: sumLoc / stepsPerEpoch, clsLoss: sumCls / stepsPerEpoch };
      history.push(record);
      await options.onEpoch?.(record);
    }
    return { weights: restoreWeightShapes(readLayersWeights(build, lowered.weights), weights), history };
  } finally {
    build?.model.dispose();
    optimizer?.dispose();
  }
}
