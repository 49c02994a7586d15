export { DatasetError, ClassificationOptionError } from './errors';
export { parseIdx, encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IDX_UNSIGNED_BYTE, type IdxArray, type ParseIdxOptions } from './data/idx';
export { checkDataset, folderNameOf, remapClasses, selectSamples, takeSamples, type ImageDataset } from './data/dataset';
export {
  FASHION_MNIST_APT_COMMAND,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEFAULT_DIR,
  FASHION_MNIST_HARD_CLASSES,
  fashionMnistFiles,
  type FashionMnistSplit,
} from './data/fashion-mnist';
export {
  accuracy,
  argmaxRows,
  classificationReport,
  confusionMatrix,
  perClassMetrics,
  topKAccuracy,
  type ClassMetrics,
  type ClassificationReport,
  type ConfusionMatrix,
} from './metrics';
export { classifierHead, classifierHeadNodes, CLASSIFIER_OUTPUT, type ClassifierGraph, type ClassifierHeadOptions, type ClassifierPooling } from './head';
export { DEFAULT_NORMALIZATION, classifierMetadataFrom, type ClassifierMetadata, type InputPreprocessing } from './metadata';
export { canvasBytes, canvasesToInput, centerSquare, datasetImage, imagesToInput, rgbToPixelImage, type PixelImage } from './preprocess';
export {
  classify,
  classProbabilities,
  createClassifier,
  topClasses,
  type ClassPrediction,
  type Classifier,
  type ClassifyOptions,
  type CreateClassifierOptions,
} from './classify';
export { trainingCurvesSvg, type CurvePoint, type TrainingCurvesSvgOptions } from './charts/training-curves-svg';
export { confusionMatrixSvg, type ConfusionMatrixSvgOptions } from './charts/confusion-matrix-svg';
export { evaluateClassifier, type Evaluation } from './evaluate';
export { classifierFromModel, extractBackbone, findBackbone, type BackboneInGraph, type TransferOptions, type TransferredClassifier } from './transfer';
