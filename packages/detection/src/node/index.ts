/** `@mobilenet-kit/detection/node`: dataset files, image checks, charts and detector folders (Node only). */
export { DatasetError } from './dataset-error';
export { readCocoDataset, writeCocoDataset, type ReadCocoOptions } from './coco';
export { readVocDataset, readDetectionDataset, type ReadVocOptions } from './voc';
export { validateDataset } from './validate';
export { writePrCurvesPng } from './pr-curves-png';
export { loadDetector, readDetectorFolder, saveDetector, type DetectorFolder } from './detector-folder';
export { evaluateDetectorOnDataset, sampleGrid } from './detect-dataset';
