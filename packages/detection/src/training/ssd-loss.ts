import * as tf from '@tensorflow/tfjs-core';
import type { SsdTargets } from './assign-targets';
import { DetectionOptionError } from '../errors';
import { mineHardNegatives } from './hard-negative-mining';

export interface SsdPredictions {
  /** `[B, A, 4]`: raw box encodings (ty, tx, th, tw) per anchor. */
  readonly boxEncodings: tf.Tensor;
  /** `[B, A, 1 + numClasses]`: class logits before sigmoid/softmax, column 0 the background. */
  readonly classLogits: tf.Tensor;
}

export type ClassificationLossKind = 'sigmoid' | 'softmax';

export interface SsdLossOptions {
  /** Hard negative mining ratio, negatives : positives ≤ this per image. Default 3 (ssd_mobilenet_v1 configs: max_negatives_per_positive). Infinity: no mining. */
  readonly negativesPerPositive?: number;
  /** Default 0 (min_negatives_per_image in the same configs). */
  readonly minNegativesPerImage?: number;
  /** Weight of the localization loss. Default 1 (localization_weight). */
  readonly locWeight?: number;
  /** Weight of the classification loss. Default 1 (classification_weight). */
  readonly clsWeight?: number;
  /** Per-class sigmoid cross-entropy (TF-OD WeightedSigmoidClassificationLoss, SSD MobileNetV1's) or softmax cross-entropy over the columns. Default 'sigmoid'. */
  readonly classification?: ClassificationLossKind;
  /** Huber δ of the smooth-L1 loss. Default 1 (WeightedSmoothL1LocalizationLoss). */
  readonly smoothL1Delta?: number;
}

export interface SsdLoss {
  /** locWeight · locLoss + clsWeight · clsLoss (a scalar tensor; the caller disposes). */
  readonly loss: tf.Scalar;
  /** Smooth-L1 over the 4 coordinates of the positives, divided by the number of positives (at least 1). */
  readonly locLoss: tf.Scalar;
  /** Classification loss of the positives and the mined negatives, divided by the number of positives (at least 1). */
  readonly clsLoss: tf.Scalar;
  readonly numPositives: number;
  readonly numNegatives: number;
}

const WHERE = 'ssdLoss';

function nonNegative(value: unknown, name: string, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new DetectionOptionError(WHERE, name, value, allowInfinity ? 'a number ≥ 0 or Infinity' : 'a finite number ≥ 0');
  }
  return value;
}

function shapeText(t: tf.Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

/**
 * The SSD loss as TF-OD's SSDMetaArch computes it for SSD MobileNetV1:
 * per anchor, smooth-L1 (Huber, δ = 1) summed over (ty, tx, th, tw) for
 * positives, and sigmoid (or softmax) cross-entropy summed over the
 * 1 + numClasses columns with one-hot targets (background for negatives);
 * hard negative mining on the classification loss; both sums divided by the
 * number of positives in the batch (normalize_loss_by_num_matches), at least 1.
 * Ignored anchors count nowhere. Differentiable with respect to the
 * predictions (the mining selection is a constant mask).
 */
export function ssdLoss(predictions: SsdPredictions, targets: SsdTargets, options: SsdLossOptions = {}): SsdLoss {
  const negativesPerPositive = nonNegative(options.negativesPerPositive, 'negativesPerPositive', 3, true);
  const minNegativesPerImage = nonNegative(options.minNegativesPerImage, 'minNegativesPerImage', 0);
  const locWeight = nonNegative(options.locWeight, 'locWeight', 1);
  const clsWeight = nonNegative(options.clsWeight, 'clsWeight', 1);
  const delta = options.smoothL1Delta === undefined ? 1 : nonNegative(options.smoothL1Delta, 'smoothL1Delta', 1);
  if (delta === 0) throw new DetectionOptionError(WHERE, 'smoothL1Delta', 0, 'a number > 0');
  const kind = options.classification ?? 'sigmoid';
  if (kind !== 'sigmoid' && kind !== 'softmax') throw new DetectionOptionError(WHERE, 'classification', kind, '"sigmoid" or "softmax"');

  const { boxEncodings, classLogits } = predictions;
  const { batchSize: B, numAnchors: A } = targets;
  if (boxEncodings.rank !== 3 || boxEncodings.shape[0] !== B || boxEncodings.shape[1] !== A || boxEncodings.shape[2] !== 4) {
    throw new DetectionOptionError(WHERE, 'predictions.boxEncodings.shape', shapeText(boxEncodings), `[${B}, ${A}, 4] (batch, anchors, ty/tx/th/tw) to match the targets`);
  }
  if (classLogits.rank !== 3 || classLogits.shape[0] !== B || classLogits.shape[1] !== A || classLogits.shape[2]! < 2) {
    throw new DetectionOptionError(WHERE, 'predictions.classLogits.shape', shapeText(classLogits), `[${B}, ${A}, 1 + numClasses] with numClasses ≥ 1`);
  }
  const columns = classLogits.shape[2]!;
  for (let i = 0; i < targets.classTargets.length; i++) {
    if (targets.classTargets[i]! >= columns) {
      throw new DetectionOptionError(WHERE, `label of image ${Math.floor(i / A)}, anchor ${i % A}`, targets.classTargets[i], `class ids 1…${columns - 1} (the class logits have ${columns} columns, column 0 the background)`);
    }
  }

  return tf.tidy(() => {
    const locTargets = tf.tensor3d(targets.boxTargets, [B, A, 4]);
    const positive = tf.tensor2d(
      Float32Array.from(targets.matches, (m) => (m >= 0 ? 1 : 0)),
      [B, A],
    );
    // Huber: ½x² for |x| ≤ δ, δ(|x| − ½δ) beyond (tf.losses.huber_loss, as TF-OD uses it).
    const diff = tf.abs(tf.sub(boxEncodings, locTargets));
    const quadratic = tf.minimum(diff, delta);
    const huber = tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, tf.sub(diff, quadratic)));
    const locPerAnchor = tf.mul(tf.sum(huber, 2), positive);

    const oneHot = tf.cast(tf.oneHot(tf.tensor2d(targets.classTargets, [B, A], 'int32'), columns), 'float32');
    let clsPerAnchor: tf.Tensor;
    if (kind === 'sigmoid') {
      // max(x, 0) − x·z + log(1 + e^−|x|): sigmoid cross-entropy without overflow.
      const x = classLogits;
      const perColumn = tf.add(tf.sub(tf.relu(x), tf.mul(x, oneHot)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
      clsPerAnchor = tf.sum(perColumn, 2);
    } else {
      clsPerAnchor = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(classLogits, 2)), 2));
    }
    const mined = mineHardNegatives(clsPerAnchor.dataSync(), targets.matches, B, A, { negativesPerPositive, minNegativesPerImage });
    const normalizer = Math.max(mined.numPositives, 1);
    const locLoss = tf.div(tf.sum(locPerAnchor), normalizer) as tf.Scalar;
    const clsLoss = tf.div(tf.sum(tf.mul(clsPerAnchor, tf.tensor2d(mined.mask, [B, A]))), normalizer) as tf.Scalar;
    const loss = tf.add(tf.mul(locWeight, locLoss), tf.mul(clsWeight, clsLoss)) as tf.Scalar;
    return { loss, locLoss, clsLoss, numPositives: mined.numPositives, numNegatives: mined.numNegatives };
  });
}
