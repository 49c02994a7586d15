import { RMSPROP_DEFAULTS, type RmsPropSettings } from '@mobilenet-kit/backend-tfjs/training';
import { ClassificationOptionError } from '../errors';
import type { AugmentSettings } from './augment';
import type { FreezeSpec } from './segments';

/** Everything that decides a training run; stored in each checkpoint, so that a resumed run uses the same settings. */
export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** Base learning rate, reached after the warm-up. */
  readonly learningRate: number;
  /** Warm-up length in epochs (fractions allowed). */
  readonly warmupEpochs: number;
  /** Exponential decay: × decayRate every decayEpochs (TF-slim: 0.94 every 2 epochs). */
  readonly decayRate: number;
  readonly decayEpochs: number;
  readonly rmsprop: RmsPropSettings;
  /** L2 weight decay (TF-slim's `weight_decay`, loss += l2 · Σw²/2) on conv and dense kernels; never on depthwise filters, biases or BN. 0: off. */
  readonly l2: number;
  readonly augment: AugmentSettings;
  /** Label smoothing ε (Keras/tfjs convention: targets y·(1 − ε) + ε/classes). 0: off. */
  readonly labelSmoothing: number;
  /** Fraction of the training set held out for validation (stratified), in [0, 1). */
  readonly validationFraction: number;
  /** Momentum of the BN moving averages (tfjs-layers/Keras default 0.99; short runs want less). */
  readonly batchNormMomentum: number;
  readonly freeze: FreezeSpec;
  /**
   * Data parallelism: each batch is cut into this many shards, each with its
   * own BN batch statistics (as TensorFlow does on several GPUs); their
   * gradients are averaged. Worker threads compute shards at the same time
   * (trainClassifier's `workers`). 1: the whole batch at once.
   */
  readonly shards: number;
  /** With a frozen backbone: compute its features once and train the head on them (no augmentation then). */
  readonly cacheFeatures: boolean;
  readonly seed: number;
}

/**
 * Defaults: the paper's optimizer settings (RMSProp, TF-slim's decay 0.9,
 * momentum 0.9, ε 1.0; lr decay 0.94 every 2 epochs), light augmentation
 * (shift up to 2 px, flips), little regularization (the paper: small models
 * overfit less, so less augmentation and weight decay).
 */
export const TRAIN_DEFAULTS: TrainConfig = Object.freeze({
  epochs: 10,
  batchSize: 64,
  learningRate: 0.045,
  warmupEpochs: 0.5,
  decayRate: 0.94,
  decayEpochs: 2,
  rmsprop: RMSPROP_DEFAULTS,
  l2: 4e-5,
  augment: Object.freeze({ pad: 2, flip: true }),
  labelSmoothing: 0,
  validationFraction: 0.05,
  batchNormMomentum: 0.9,
  freeze: 'none' as FreezeSpec,
  shards: 1,
  cacheFeatures: false,
  seed: 1,
});

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function resolveTrainConfig(config: Partial<TrainConfig> = {}): TrainConfig {
  const c: TrainConfig = { ...TRAIN_DEFAULTS, ...config, rmsprop: { ...TRAIN_DEFAULTS.rmsprop, ...config.rmsprop }, augment: { ...TRAIN_DEFAULTS.augment, ...config.augment } };
  const where = 'trainClassifier';
  if (!Number.isInteger(c.epochs) || c.epochs < 1) throw new ClassificationOptionError('epochs', c.epochs, 'an integer ≥ 1', where);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) throw new ClassificationOptionError('batchSize', c.batchSize, 'an integer ≥ 1', where);
  if (!positive(c.learningRate)) throw new ClassificationOptionError('learningRate', c.learningRate, 'a number > 0', where);
  if (!(c.warmupEpochs >= 0)) throw new ClassificationOptionError('warmupEpochs', c.warmupEpochs, 'a number ≥ 0', where);
  if (!(c.decayRate > 0 && c.decayRate <= 1)) throw new ClassificationOptionError('decayRate', c.decayRate, 'a number in (0, 1]', where);
  if (!positive(c.decayEpochs)) throw new ClassificationOptionError('decayEpochs', c.decayEpochs, 'a number > 0', where);
  if (!(c.l2 >= 0)) throw new ClassificationOptionError('l2', c.l2, 'a number ≥ 0', where);
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) throw new ClassificationOptionError('labelSmoothing', c.labelSmoothing, 'a number in [0, 1)', where);
  if (!Number.isInteger(c.augment.pad) || c.augment.pad < 0) throw new ClassificationOptionError('augment.pad', c.augment.pad, 'an integer ≥ 0', where);
  if (!(c.validationFraction >= 0 && c.validationFraction < 1)) throw new ClassificationOptionError('validationFraction', c.validationFraction, 'a fraction in [0, 1)', where);
  if (!(c.batchNormMomentum >= 0 && c.batchNormMomentum < 1)) throw new ClassificationOptionError('batchNormMomentum', c.batchNormMomentum, 'a number in [0, 1)', where);
  if (!Number.isInteger(c.shards) || c.shards < 1 || c.shards > c.batchSize) throw new ClassificationOptionError('shards', c.shards, `an integer in 1..${c.batchSize} (the batch size)`, where);
  if (!Number.isSafeInteger(c.seed)) throw new ClassificationOptionError('seed', c.seed, 'a safe integer', where);
  const { decay, momentum, epsilon } = c.rmsprop;
  if (!(decay >= 0 && decay < 1) || !(momentum >= 0 && momentum < 1) || !positive(epsilon)) {
    throw new ClassificationOptionError('rmsprop', c.rmsprop, 'decay and momentum in [0, 1), epsilon > 0', where);
  }
  const f = c.freeze;
  const blocks = typeof f === 'object' && f !== null && 'trainBlocks' in f && Number.isInteger(f.trainBlocks);
  const fromLayer = typeof f === 'object' && f !== null && 'fromLayer' in f && typeof f.fromLayer === 'string' && f.fromLayer.length > 0;
  if (!(f === 'none' || f === 'backbone' || blocks || fromLayer)) {
    throw new ClassificationOptionError('freeze', f, "'none', 'backbone', { trainBlocks: k } or { fromLayer: 'conv_dw_12' }", where);
  }
  if (c.cacheFeatures && f !== 'backbone' && !(typeof f === 'object' && 'trainBlocks' in f && f.trainBlocks === 0)) {
    throw new ClassificationOptionError('cacheFeatures', true, "only with freeze: 'backbone' (a trained backbone's features change every step)", where);
  }
  return c;
}
