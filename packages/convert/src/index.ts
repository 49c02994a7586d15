export { IMAGENET_CLASSES, BACKGROUND_CLASS, imagenetLabels } from './imagenet';
export { recognizeMobileNet, describeRecognized, type RecognizedMobileNet, type ExpectedArchitecture } from './recognize';
export { assembleImport, type ImportedModel, type ImportFormat, type ImportedPreprocessing } from './imported-model';
export { convertKerasTopology, kerasModelConfig, type ConvertedTopology, type ParamSource } from './keras/topology';
export { importTfjsLayers, parseTeachableMachineMetadata, type ImportTfjsLayersOptions, type TeachableMachineMetadata } from './tfjs-layers/import';
export { importTfjsGraph, slimLayerName, type ImportTfjsGraphOptions } from './tfjs-graph/import';
export { importOnnx, type ImportOnnxOptions } from './onnx/import';
