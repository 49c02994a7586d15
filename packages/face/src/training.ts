/**
 * `@mobilenet-kit/face/training`: distillation of the teacher into a
 * MobileNet student and triplet-loss training on labeled folders, through
 * tfjs-layers (the tfjs namespaces are passed in), with checkpoints and the
 * distillation data on disk. Node only.
 */
export { readNpy, type NpyArray } from './training/npy';
export { lfwSubsetFaces, readFacePhotos, type FacePhoto } from './training/face-photos';
export {
  DISTILL_SET_DEFAULTS,
  IDENTITY_AUGMENTATION,
  buildDistillSet,
  extendTrainViews,
  lowResViews,
  moreViews,
  mixupViews,
  wideViews,
  loadDistillSet,
  renderDistillView,
  renderView,
  saveDistillSet,
  type DistillFace,
  type DistillSet,
  type DistillSetSettings,
  type DistillView,
  type DistillViewMix,
  type ExtraViewsSettings,
} from './training/distill-set';
export { FACE_CHECKPOINT_MAGIC, FaceCheckpointError, loadFaceCheckpoint, saveFaceCheckpoint, type FaceCheckpoint, type FaceCheckpointState, type OptimizerSlots } from './training/checkpoint';
export { buildLayersEmbedder, readLayersWeights, type LayersEmbedder } from './training/layers-embedder';
export {
  EMBEDDING_TRAIN_DEFAULTS,
  cosineLearningRate,
  embeddingLearningRate,
  studentBlockOf,
  resolveEmbeddingTrainConfig,
  trainEmbedding,
  type EmbeddingBatch,
  type EmbeddingTrainConfig,
  type TrainBatchProgress,
  type TrainEmbeddingOptions,
  type TrainEmbeddingResult,
  type TrainEpochResult,
} from './training/embedding-trainer';
export { distillStudent, relationalDistanceLoss, shuffledBatches, unitTarget, type DistillStudentOptions } from './training/distill-trainer';
export {
  ATTRIBUTE_LOSS_DEFAULTS,
  attributeAgreement,
  attributeDistillationLoss,
  attributeTeacherEmbedder,
  attributeVector,
  attributeVectorFromLogits,
  distillAttributes,
  relabelDistillSet,
  softenProbabilities,
  type AttributeAgreement,
  type AttributeLossSettings,
  type DistillAttributesOptions,
} from './training/attribute-distill';
export { featureGraph, fitAttributeHeads, fitEmbeddingHead, poolFeatures, ridgeHead, solveSpd } from './training/fit-head';
export {
  FACENET_TRIPLET_MARGIN,
  TRIPLET_DEFAULTS,
  batchHardTripletLoss,
  semiHardTripletLoss,
  leaveOneOutAccuracy,
  trainTriplet,
  type LabeledFaces,
  type TrainTripletOptions,
  type TripletSettings,
} from './training/triplet-trainer';
export { readLabeledFaceFolders } from './training/labeled-folders';
export { evaluateStudent, medianEmbedMs, type StudentEvaluation, type VerificationReport } from './training/evaluate-student';
