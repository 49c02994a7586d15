/**
 * `@mobilenet-kit/classification/training`: training through tfjs-layers
 * (the tfjs namespaces are passed in) and checkpoints on disk. Node only.
 */
// The gradient kernels live in backend-tfjs (any head that trains needs them); re-exported for existing users.
export { registerTrainingKernels, conv2dBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput } from '@mobilenet-kit/backend-tfjs/training';
export { trainClassifier, type BatchProgress, type EpochResult, type TrainClassifierOptions, type TrainResult } from './training/trainer';
export { TRAIN_DEFAULTS, resolveTrainConfig, type TrainConfig } from './training/config';
// The optimizer and the schedule live in backend-tfjs too (the face trainers use them); re-exported for existing users.
export { RmsProp, RMSPROP_DEFAULTS, type RmsPropSettings, type RmsPropState, learningRateAt, type LearningRateSchedule } from '@mobilenet-kit/backend-tfjs/training';
export { augmentCanvas, type AugmentSettings } from './training/augment';
export { shuffledIndices, validationSplit } from './training/shuffle';
export { trainableLayerNames, trainingSegments, type FreezeSpec, type TrainingSegments } from './training/segments';
export { createTrainingReplica, shardGradients, type TrainingReplica, type ShardGradients, type ReplicaSettings } from './training/replica';
export { shardRanges, type GradientWorkers, type WorkerInit, type ShardJob, type ShardResult } from './training/gradient-workers';
export { createThreadWorkers, type ThreadWorkersOptions } from './training/thread-workers';
export type { TrainingWorkerSetupModule } from './training/worker-main';
export {
  saveCheckpoint,
  loadCheckpoint,
  recoverCheckpointDir,
  checkpointExists,
  CheckpointError,
  CHECKPOINT_FORMAT,
  CHECKPOINT_JSON_FILE,
  OPTIMIZER_FILE,
  type Checkpoint,
  type CheckpointState,
} from './training/checkpoint';
