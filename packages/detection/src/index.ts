export {
  SSD_ANCHOR_DEFAULTS,
  anchorsPerLocation,
  generateSsdAnchors,
  resolveSsdAnchorOptions,
  ssdBoxSpecs,
  type AnchorOrdering,
  type BoxSpec,
  type ResolvedSsdAnchorOptions,
  type SsdAnchorOptions,
} from './anchors';
export { SSD_BOX_CODER_SCALES, decodeBoxes, encodeBoxes } from './box-coder';
export { nonMaxSuppression, intersectionOverUnion } from './nms';
export { logitsToScores, type ScoreConversion } from './scores';
export {
  SSD_MOBILENET_V1_EXTRA_LAYERS,
  SSD_OUTPUTS,
  ssdFeatureMapSizes,
  ssdHead,
  ssdNodeNames,
  type ExtraLayerNormalization,
  type ExtraLayerSpec,
  type SsdHeadOptions,
} from './ssd-head';
export { replaceBatchNormWithBias } from './bias-for-batch-norm';
export {
  createDetector,
  resolveDetectOptions,
  type DetectOptions,
  type Detection,
  type Detector,
  type DetectorImage,
  type DetectorOptions,
  type DetectRun,
  type DetectTimings,
} from './detector';
export {
  FACE_API_DEPTHWISE_BN_EPSILON,
  FACE_API_SSD_ANCHORS,
  FACE_API_SSD_INPUT_SIZE,
  FACE_API_SSD_NUM_CLASSES,
  faceApiSsdGraph,
} from './face-api/face-detector-graph';
export {
  ANCHOR_TOLERANCE,
  FACE_API_ANCHORS_TENSOR,
  FACE_API_SSD_MANIFEST,
  faceApiNameMap,
  importFaceApiSsdWeights,
  mapFaceApiSsdWeights,
  type ImportedFaceApiSsd,
} from './face-api/import-weights';
export { findFaceApiModelDir, readFaceApiManifest, type FaceApiManifestFile, type FaceApiModelNeed } from './face-api/face-api-model-dir';
export { createFaceApiDetector, loadFaceDetector, type FaceApiDetectorOptions, type LoadFaceDetectorOptions } from './face-api/load-face-detector';
export { fetchFaceApiManifest } from './face-api/fetch-face-api-manifest';
export { DetectionOptionError, WeightImportError } from './errors';
export {
  COCO_IOU_THRESHOLDS,
  COCO_RECALL_POINTS,
  evaluateDetections,
  type ClassEvaluation,
  type DetectionEvaluation,
  type EvaluateDetectionsOptions,
  type GroundTruthObject,
  type ImageGroundTruth,
  type ImagePredictions,
  type PredictedObject,
  type PrCurve,
} from './evaluate/evaluate-detections';
export { prCurvesSvg } from './evaluate/pr-curves-svg';
export { checkBoxes, splitDataset, type DatasetImage, type DatasetProblems, type DetectionDataset } from './data/dataset';
export { anchorsFor, detectorConfig, detectorOptions, type DetectorConfig, type DetectorConfigInput } from './detector-config';
export { initializeDetectorWeights } from './initialize-detector';
export { augmentSsd, type AugmentedImage, type SsdAugmentOptions } from './data/augment';
export { transferFaceApiSsdWeights, transferWeights } from './transfer-weights';
export { composeScenes, type ComposeScenesOptions, type ComposedScene, type ObjectSprite } from './data/compose-scenes';
