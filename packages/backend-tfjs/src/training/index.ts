/**
 * `@mobilenet-kit/backend-tfjs/training`: what any head needs to train a
 * MobileNet through tfjs in Node: convolution gradient kernels (tfjs-backend-wasm
 * lacks three; tfjs-backend-cpu's filter gradient is slow), faster BN gradients,
 * a fused training-mode BN, TF 1's RMSProp and the warm-up + exponential-decay learning-rate schedule.
 */
export { registerTrainingKernels } from './register-training-kernels';
export { conv2dBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput } from './conv-gradients';
export { convGeometry, convTaps, type ConvGeometry, type ConvTaps } from './conv-geometry';
export { batchNormGradConfig } from './batch-norm-gradient';
export {
  BATCH_NORM_TRAINING_GRAD_KERNEL,
  BATCH_NORM_TRAINING_KERNEL,
  batchNormTrainingBackward,
  batchNormTrainingForward,
  batchNormTrainingGradConfig,
  type BatchNormTrainingAttrs,
} from './fused-batch-norm';
export { activationGradConfigs, rangeGradient, RANGE_GRADIENT_KERNEL } from './activation-gradients';
export { isPointwise } from './pointwise-gradients';
export { RmsProp, RMSPROP_DEFAULTS, type RmsPropSettings, type RmsPropState } from './rmsprop';
export { learningRateAt, type LearningRateSchedule } from './schedule';
