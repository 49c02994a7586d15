/**
 * `@mobilenet-kit/detection/training`: the SSD loss and fine-tuning through
 * tfjs-layers. A separate entry point so that inference users never load
 * tfjs-layers.
 */
export { assignTargets, concatTargets, IGNORED, UNMATCHED, type AssignTargetsOptions, type GroundTruth, type SsdTargets } from './assign-targets';
export { argmaxMatch, type ArgmaxMatcherOptions } from './argmax-matcher';
export { iouMatrix, boxIou } from './box-iou';
export { anchorCoverage, type AnchorCoverage } from './anchor-coverage';
export { mineHardNegatives, type HardNegativeMiningOptions, type MinedSelection } from './hard-negative-mining';
export { ssdLoss, type ClassificationLossKind, type SsdLoss, type SsdLossOptions, type SsdPredictions } from './ssd-loss';
export {
  fineTuneDetector,
  type DetectionExample,
  type DetectionOptimizer,
  type EpochRecord,
  type FineTuneDetectorOptions,
  type FineTuneDetectorResult,
  type StepProgress,
} from './fine-tune-detector';
export { findTrainingOutputs, type DetectorOutputNames, type TrainingOutputs } from './detector-outputs';
export { readLayersWeights } from './layers-weights';
export type { AnchorsInput } from './anchors-input';
export { DETECTOR_RMSPROP, epochExamples, trainDetector, type TrainDetectorEpoch, type TrainDetectorOptions, type TrainDetectorState, type TrainingImage } from './train-detector';
