export { EMBEDDING_L2_EPSILON, EMBEDDING_OUTPUT, embeddingHead, embeddingHeadNodeNames, type EmbeddingHeadOptions } from './embedding-head';
export { createEmbedder, type Embedder, type EmbedderNormalization, type EmbedderOptions } from './embedder';
export {
  FACE_API_DESCRIPTOR_SIZE,
  FACE_API_RECOGNITION_BLOCKS,
  FACE_API_RECOGNITION_DIVISOR,
  FACE_API_RECOGNITION_INPUT_SIZE,
  FACE_API_RECOGNITION_MEAN_RGB,
  faceApiRecognitionGraph,
} from './face-api/recognition-net-graph';
export {
  FACE_API_RECOGNITION_MANIFEST,
  faceApiRecognitionName,
  importFaceApiRecognitionWeights,
  mapFaceApiRecognitionWeights,
  type ImportedFaceApiRecognition,
} from './face-api/import-recognition-weights';
export { loadFaceApiTeacher, type LoadFaceApiTeacherOptions } from './face-api/load-teacher';
export { AGE_OUTPUT, FACE_API_ATTRIBUTE_INPUT_SIZE, GENDER_LABELS, GENDER_OUTPUT, faceApiAgeGenderGraph } from './face-api/age-gender-net-graph';
export { EXPRESSION_LABELS, EXPRESSION_OUTPUT, faceApiExpressionGraph, type ExpressionLabel } from './face-api/expression-net-graph';
export {
  FACE_API_AGE_GENDER_MANIFEST,
  FACE_API_EXPRESSION_MANIFEST,
  faceApiAttributeName,
  importFaceApiAttributeWeights,
  type FaceApiAttributeNet,
  type ImportedFaceApiNet,
} from './face-api/import-attribute-weights';
export { importFaceApiAttributeTeachers, loadFaceApiAttributeTeachers, type LoadFaceApiAttributeTeachersOptions } from './face-api/load-attribute-teachers';
export { mapFaceApiWeights, type FaceApiSource } from './face-api/map-face-api-weights';
export { ATTRIBUTE_LOGITS_OUTPUT, ATTRIBUTE_VECTOR, attributeStudentGraph, createAttributeStudent, type AttributeStudentOptions, type CreateAttributeStudentOptions } from './attribute-student';
export { ATTRIBUTE_METADATA_KEY, loadAttributeModel, saveAttributeModel, type AttributeModelMetadata } from './attribute-model';
export { createAttributePredictor, type AttributePredictor, type AttributePredictorOptions, type FaceAttributes } from './face-attributes';
export { FaceMatcherFormatError, FaceOptionError, FaceWeightImportError } from './errors';
export {
  createFaceStudent,
  faceStudentBackbone,
  faceStudentGraph,
  readDetectorWeights,
  initializeStudentFromDetector,
  type CreateFaceStudentOptions,
  type FaceStudent,
  type FaceStudentOptions,
  type StudentInitialization,
} from './student';
export { EMBEDDER_MIRRORS, applyMirror, canonicalMirror, horizontalAsymmetry, mirrorImage, type EmbedderMirror } from './mirror-canonical';
export { EMBEDDER_METADATA_KEY, loadEmbedderModel, saveEmbedderModel, type EmbedderMetadata } from './embedder-model';
export { DEFAULT_FACE_MARGIN, faceCrop, type FaceCrop } from './face-crop';
export {
  DEFAULT_FACE_DISTANCE_THRESHOLD,
  FACE_API_DISTANCE_THRESHOLD,
  FACE_MATCHER_FORMAT,
  FACE_MATCHER_FORMAT_VERSION,
  FaceMatcher,
  UNKNOWN_LABEL,
  euclideanDistance,
  type FaceMatch,
  type FaceMatcherJSON,
  type LabeledDescriptors,
} from './face-matcher';
export { GALLERY_FILE_FORMAT, GALLERY_FILE_MAGIC, GALLERY_FILE_VERSION, MAX_GALLERY_HEADER_BYTES, decodeGallery, encodeGallery, isGalleryFile, readGallery } from './gallery-file';
export { detectAndCrop, detectAndEmbed, type DetectAndEmbedOptions, type EmbeddedFace } from './detect-and-embed';
export { detectAttributes, type DetectAttributesOptions, type FaceWithAttributes } from './detect-attributes';
export {
  FACE_AUGMENT_DEFAULTS,
  applyAugmentation,
  reduceCrop,
  drawAugmentation,
  type FaceAugmentOptions,
  type FaceAugmentation,
} from './distill/augment';
export { collectFaceSamples, distillationBatch, seededRandom, splitHeldOut, type DistillationBatch, type FaceSample } from './distill/face-dataset';
export { nearDuplicateGroups } from './distill/near-duplicates';
export { equalErrorRate, thresholdAtFar, thresholdCurve, type ThresholdPoint } from './evaluate/threshold-curve';
export {
  agreementReport,
  cosineSimilarity,
  meanDirection,
  nearestIndex,
  verificationPairs,
  type AgreementReport,
  type HeldOutEmbeddings,
} from './evaluate/agreement';
export { SHIPPED_FACE_MODELS, shippedFaceModelDir, type ShippedFaceModel } from './shipped-models';
