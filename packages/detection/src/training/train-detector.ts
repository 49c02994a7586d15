import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import { learningRateAt, RmsProp, type RmsPropSettings, type RmsPropState, registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import { deriveSeed, type Graph, mulberry32, type Weights, type WeightTensor } from '@mobilenet-kit/core';
import { type Normalization, preprocess, type ResizeMode, type RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { augmentSsd, type SsdAugmentOptions } from '../data/augment';
import { DetectionOptionError } from '../errors';
import type { GroundTruthObject } from '../evaluate/evaluate-detections';
import type { AnchorsInput } from './anchors-input';
import { assignTargets } from './assign-targets';
import { findTrainingOutputs } from './detector-outputs';
import { readLayersWeights } from './layers-weights';
import { pointwiseConvsAsDense, restoreWeightShapes } from './pointwise-as-dense';
import { ssdLoss } from './ssd-loss';

/** One training image, decoded, with its objects in pixels. */
export interface TrainingImage {
  readonly image: RgbImage;
  readonly objects: readonly GroundTruthObject[];
}

/** Where a run stands after an epoch (what a checkpoint holds besides the weights). */
export interface TrainDetectorState {
  readonly epoch: number;
  readonly step: number;
  readonly weights: Weights;
  readonly optimizer: RmsPropState;
  readonly history: readonly TrainDetectorEpoch[];
}

export type TrainDetectorEpoch = {
  readonly epoch: number;
  readonly loss: number;
  readonly locLoss: number;
  readonly clsLoss: number;
  readonly learningRate: number;
};

export interface TrainDetectorOptions {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly anchors: AnchorsInput;
  readonly images: readonly TrainingImage[];
  /** Total epochs (a resumed run continues to this). */
  readonly epochs: number;
  readonly batchSize: number;
  /** Learning rate after the warm-up. */
  readonly learningRate: number;
  /**
   * RMSProp settings. Default decay 0.9, momentum 0.9, ε 1e-6 (per-parameter adaptive steps, which
   * train a from-scratch SSD in few steps; TF-OD's ε 1 makes RMSProp momentum SGD, for long runs).
   */
  readonly rmsprop?: RmsPropSettings;
  /** Linear warm-up from 0, in epochs. Default 1. */
  readonly warmupEpochs?: number;
  /** Multiplied in every `decayEpochs` epochs after the warm-up (staircase). Default 0.95 every 1 epoch. */
  readonly decayRate?: number;
  readonly decayEpochs?: number;
  /** Shuffling and augmentation of epoch e derive from (seed, e): a resumed run sees the same data. Default 0. */
  readonly seed?: number;
  /** SSD augmentation options, or false for none. Default: all on. */
  readonly augment?: SsdAugmentOptions | false;
  /** Input normalization, as the detector config's. Default 'minusOneToOne'. */
  readonly normalize?: Normalization;
  /**
   * How an image becomes the network input, as the detector config's `preprocessing.resize`. Default 'stretch'.
   * face-api's SSD was trained on images padded bottom/right to a square ('padBottomRight'): fine-tuning it on
   * stretched photos would show it faces of other proportions than it detects.
   */
  readonly resize?: ResizeMode;
  /**
   * 'frozen' (default: BN on its statistics, not trained: for pretrained weights and small batches) or 'train'
   * (batch statistics, moving statistics updated: from random weights). Frozen at its initial statistics (the
   * identity), nothing keeps a from-scratch MobileNet's pre-activations in range: on the offline benchmark set
   * (760 images, 0.25-128) its ReLU6 outputs were 0 or 6, the same for every image, after 3 epochs, and the
   * detector's outputs no longer depended on its input. A dozen toy images (the README example) still fit.
   */
  readonly batchNorm?: 'frozen' | 'train';
  /** Train only nodes whose name starts with headScope (default 'ssd/'). */
  readonly freezeBackbone?: boolean;
  readonly headScope?: string;
  /** Continue from a checkpoint's state. */
  readonly resume?: TrainDetectorState;
  readonly onStep?: (p: { epoch: number; step: number; stepsPerEpoch: number; loss: number; learningRate: number }) => void | Promise<void>;
  /** Called after every epoch with the state to checkpoint. */
  readonly onEpoch?: (record: TrainDetectorEpoch, state: TrainDetectorState) => void | Promise<void>;
}

const WHERE = 'trainDetector';

/** trainDetector's RMSProp: decay 0.9, momentum 0.9, ε 1e-6, mean square starting at 0 (tfjs's tf.train.rmsprop). */
export const DETECTOR_RMSPROP: RmsPropSettings = Object.freeze({ decay: 0.9, momentum: 0.9, epsilon: 1e-6, initialMeanSquare: 0 });

function inputSize(graph: Graph): [number, number] {
  const input = graph.nodes.find((n) => n.op === 'input');
  const shape = (input?.attrs as { shape?: readonly (number | null)[] } | undefined)?.shape ?? [];
  if (typeof shape[1] !== 'number' || typeof shape[2] !== 'number') throw new DetectionOptionError(WHERE, 'graph input shape', shape, '[N, H, W, 3] with fixed H, W');
  return [shape[1], shape[2]];
}

/**
 * The epoch's examples: each image augmented with its own stream (seed, epoch, index), resized
 * to the network input (`resize`, default stretched) and normalized; boxes normalized
 * `[ymin, xmin, ymax, xmax]` as fractions of the network input.
 */
export function epochExamples(images: readonly TrainingImage[], [h, w]: [number, number], epoch: number, seed: number, augment: SsdAugmentOptions | false, normalize: Normalization, resize: ResizeMode = 'stretch') {
  return images.map((item, i) => {
    const { image, objects } = augment === false ? item : augmentSsd(item.image, item.objects, mulberry32(deriveSeed(seed, `augment/${epoch}/${i}`)), augment);
    const { input, transforms } = preprocess(image, { size: [h, w], resize, normalize });
    const kept = objects.filter((o) => !o.crowd && o.box.width > 0 && o.box.height > 0);
    const boxes =
      resize === 'stretch'
        ? kept.map((o) => [o.box.y / image.height, o.box.x / image.width, (o.box.y + o.box.height) / image.height, (o.box.x + o.box.width) / image.width])
        : kept.map((o) => {
            const b = transforms[0]!.toInput(o.box, 'normalized');
            return [b.y, b.x, b.y + b.height, b.x + b.width];
          });
    return { data: input.data as Float32Array, boxes, labels: kept.map((o) => o.classIndex) };
  });
}

/**
 * Trains an SSD detector from decoded images: per epoch SSD augmentation (seeded), TF-OD
 * argmax matching, SSD loss with hard negative mining, RMSProp with a linear warm-up and a
 * staircase decay, through the tfjs-layers lowering on the active tfjs backend. The kit's
 * training kernels are registered for that backend first (`registerTrainingKernels`), so
 * tfjs-backend-wasm trains too (it has no conv gradients of its own). `onEpoch` gets the
 * state to checkpoint; `resume` continues from one, exactly (same data, weights and optimizer slots).
 */
export async function trainDetector(options: TrainDetectorOptions): Promise<TrainDetectorState> {
  const { graph, images } = options;
  if (!Array.isArray(images) || images.length === 0) throw new DetectionOptionError(WHERE, 'images', images, 'a non-empty array of { image, objects }');
  for (const [name, v, min] of [['epochs', options.epochs, 1], ['batchSize', options.batchSize, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new DetectionOptionError(WHERE, name, v, `an integer ≥ ${min}`);
  }
  if (!(options.learningRate > 0)) throw new DetectionOptionError(WHERE, 'learningRate', options.learningRate, 'a number > 0');
  const seed = options.seed ?? 0;
  const batchNorm = options.batchNorm ?? 'frozen';
  const headScope = options.headScope ?? 'ssd/';
  const size = inputSize(graph);
  const outputs = findTrainingOutputs(graph);
  const classification = outputs.scoreActivation ?? 'sigmoid';
  const stepsPerEpoch = Math.ceil(images.length / options.batchSize);
  const schedule = {
    base: options.learningRate,
    warmupSteps: Math.round((options.warmupEpochs ?? 1) * stepsPerEpoch),
    decayRate: options.decayRate ?? 0.95,
    decaySteps: Math.max(1, Math.round((options.decayEpochs ?? 1) * stepsPerEpoch)),
  };
  registerTrainingKernels(tf, tf.getBackend());
  const startWeights = options.resume?.weights ?? options.weights;
  const lowered = pointwiseConvsAsDense(
    { name: graph.name, nodes: graph.nodes, outputs: [{ name: 'boxEncodings', node: outputs.boxNode }, { name: 'classLogits', node: outputs.logitsNode }] },
    startWeights,
  );
  const build = toLayersModel(lowered.graph, lowered.weights, tf, tfl);
  const optimizer = new RmsProp(tf, options.rmsprop ?? DETECTOR_RMSPROP);
  try {
    const { model } = build;
    const nodeOfLayer = new Map([...build.layerNames].map(([node, layer]) => [layer, node]));
    const variables = new Map<string, tf.Variable>();
    const paramOfVariable = new Map<string, string>();
    for (const layer of model.layers) {
      const node = nodeOfLayer.get(layer.name) ?? '';
      if ((batchNorm === 'frozen' && layer.getClassName() === 'BatchNormalization') || (options.freezeBackbone && !node.startsWith(headScope))) layer.trainable = false;
      for (const v of layer.trainableWeights) {
        const variable = v.read() as tf.Variable;
        const param = `${node}/${v.originalName.slice(v.originalName.lastIndexOf('/') + 1)}`;
        variables.set(param, variable);
        paramOfVariable.set(variable.name, param);
      }
    }
    if (variables.size === 0) throw new DetectionOptionError(WHERE, 'freezeBackbone', options.freezeBackbone, `leaves nothing to train under "${headScope}"`);
    if (options.resume) optimizer.setState(options.resume.optimizer, variables);
    const history: TrainDetectorEpoch[] = [...(options.resume?.history ?? [])];
    let step = options.resume?.step ?? 0;
    const [h, w] = size;
    const snapshot = (epoch: number): TrainDetectorState => ({
      epoch,
      step,
      weights: restoreWeightShapes(readLayersWeights(build, lowered.weights), options.weights) as Map<string, WeightTensor>,
      optimizer: optimizer.getState(),
      history: [...history],
    });
    let state = snapshot(options.resume?.epoch ?? 0);
    for (let epoch = (options.resume?.epoch ?? 0) + 1; epoch <= options.epochs; epoch++) {
      const examples = epochExamples(images, size, epoch, seed, options.augment ?? {}, options.normalize ?? 'minusOneToOne', options.resize ?? 'stretch');
      const targets = assignTargets(options.anchors, examples);
      const order = examples.map((_, i) => i);
      const random = mulberry32(deriveSeed(seed, `shuffle/${epoch}`));
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let sums = [0, 0, 0];
      let learningRate = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.slice(s * options.batchSize, (s + 1) * options.batchSize);
        const A = targets.numAnchors;
        const batchTargets = {
          batchSize: idx.length,
          numAnchors: A,
          boxTargets: new Float32Array(idx.length * A * 4),
          classTargets: new Int32Array(idx.length * A),
          matches: new Int32Array(idx.length * A),
          numPositives: 0,
        };
        idx.forEach((src, dst) => {
          batchTargets.boxTargets.set(targets.boxTargets.subarray(src * A * 4, (src + 1) * A * 4), dst * A * 4);
          batchTargets.classTargets.set(targets.classTargets.subarray(src * A, (src + 1) * A), dst * A);
          const m = targets.matches.subarray(src * A, (src + 1) * A);
          batchTargets.matches.set(m, dst * A);
          for (const v of m) if (v >= 0) batchTargets.numPositives++;
        });
        learningRate = learningRateAt(step, schedule);
        const stats = tf.tidy(() => {
          const batch = new Float32Array(idx.length * h * w * 3);
          idx.forEach((src, dst) => batch.set(examples[src]!.data, dst * h * w * 3));
          const x = tf.tensor4d(batch, [idx.length, h, w, 3]);
          let parts = [0, 0];
          const { value, grads } = tf.variableGrads(() => {
            const [boxEncodings, classLogits] = model.apply(x, { training: batchNorm === 'train' }) as tf.Tensor[];
            const l = ssdLoss({ boxEncodings: boxEncodings!, classLogits: classLogits! }, batchTargets, { classification });
            parts = [l.locLoss.dataSync()[0]!, l.clsLoss.dataSync()[0]!];
            return l.loss;
          }, [...variables.values()]);
          const named = new Map<string, tf.Tensor>();
          for (const [name, g] of Object.entries(grads)) named.set(paramOfVariable.get(name)!, g);
          optimizer.apply(variables, named, learningRate);
          return [value.dataSync()[0]!, ...parts];
        });
        if (!Number.isFinite(stats[0]!)) throw new Error(`${WHERE}: the loss became ${stats[0]} at epoch ${epoch}, step ${s + 1}; lower the learning rate (${options.learningRate})`);
        sums = sums.map((v, k) => v + stats[k]!);
        step++;
        await options.onStep?.({ epoch, step: s, stepsPerEpoch, loss: stats[0]!, learningRate });
      }
      const record = { epoch, loss: sums[0]! / stepsPerEpoch, locLoss: sums[1]! / stepsPerEpoch, clsLoss: sums[2]! / stepsPerEpoch, learningRate };
      history.push(record);
      state = snapshot(epoch);
      await options.onEpoch?.(record, state);
    }
    return state;
  } finally {
    build.model.dispose();
    optimizer.dispose();
  }
}
