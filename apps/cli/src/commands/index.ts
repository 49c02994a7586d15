import type { CommandEntry } from '../command';

/**
 * Every `mobilenet-kit` command and subcommand, in the order the help lists
 * them. A new command is one file under src/commands/ and one row here: its
 * name (`train faces` for a subcommand), the one-line summary (the same text
 * as the command's own `summary`; tests check) and a `load` that imports the
 * file. Nothing is imported until a command runs or shows its help, so
 * `mobilenet-kit --help` and a mistyped command load no tfjs, sharp or
 * onnxruntime.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'summary', summary: "a MobileNet v1's layers, mult-adds and parameters (the paper's Tables 1 and 2)", load: async () => (await import('./summary')).summaryCommand },
  { name: 'paper', summary: "the paper's Tables 2-7 and 9 recomputed, next to the printed figures", load: async () => (await import('./paper')).paperCommand },
  { name: 'detect', summary: 'find faces in photos with the pretrained SSD MobileNetV1 face detector; boxes drawn on copies', load: async () => (await import('./detect')).detectCommand },
  { name: 'train', summary: 'train a MobileNet v1 classifier on Fashion-MNIST, with checkpoints and --resume', load: async () => (await import('./train')).trainCommand },
  {
    name: 'train classifier',
    summary: 'train a MobileNet v1 classifier on a folder of images (one subfolder per class), from random or pretrained weights',
    load: async () => (await import('./train-classifier')).trainClassifierCommand,
  },
  {
    name: 'train face-distill',
    summary: "distill face-api's recognition net (the teacher) into a MobileNet student, with checkpoints and --resume",
    load: async () => (await import('./train-face-distill')).trainFaceDistillCommand,
  },
  {
    name: 'train face-attributes',
    summary: "distill face-api's age/gender and expression nets into one MobileNet (one pass per face), with checkpoints and --resume",
    load: async () => (await import('./train-face-attributes')).trainFaceAttributesCommand,
  },
  {
    name: 'train faces',
    summary: 'train a face embedding on labeled folders (one per person) with the triplet loss, with checkpoints and --resume',
    load: async () => (await import('./train-faces')).trainFacesCommand,
  },
  {
    name: 'train detector',
    summary: "train an SSD detector on your COCO JSON or Pascal VOC data (from random weights or face-api's SSD), with checkpoints and --resume",
    load: async () => (await import('./train-detector')).trainDetectorCommand,
  },
  {
    name: 'train geo',
    summary: 'train a PlaNet geolocation model (MobileNet over adaptive S2 cells) on a folder of located photos, with checkpoints and --resume',
    load: async () => (await import('./train-geo')).trainGeoCommand,
  },
  {
    name: 'evaluate',
    summary: 'score a trained classifier on a test set: accuracy, top-5, per-class precision and recall, confusion matrix',
    load: async () => (await import('./evaluate')).evaluateCommand,
  },
  {
    name: 'evaluate detector',
    summary: 'score a detector folder on a COCO JSON or Pascal VOC set: mAP@0.5 (VOC), mAP@[.5:.95] (COCO), per-class AP, PR curves',
    load: async () => (await import('./evaluate-detector')).evaluateDetectorCommand,
  },
  {
    name: 'evaluate geo',
    summary: 'score a PlaNet geo model on a folder of located photos: shares within 1/25/200/750/2500 km and the median error, against two baselines',
    load: async () => (await import('./evaluate-geo')).evaluateGeoCommand,
  },
  { name: 'classify', summary: 'classify image files with a trained classifier: the top-k labels and probabilities', load: async () => (await import('./classify')).classifyCommand },
  { name: 'embed', summary: 'find faces and print a 128-d descriptor for each (face-api teacher or a MobileNet student)', load: async () => (await import('./embed')).embedCommand },
  { name: 'match', summary: 'name the faces in photos against a gallery (folder per person, or a FaceMatcher JSON file)', load: async () => (await import('./match')).matchCommand },
  { name: 'attributes', summary: "find faces and tell the age, gender and expression of each (face-api's two nets in our IR, or your distilled MobileNet)", load: async () => (await import('./attributes')).attributesCommand },
  { name: 'geolocate', summary: 'where on Earth was each photo taken: the most probable S2 cells of a PlaNet model (train geo)', load: async () => (await import('./geolocate')).geolocateCommand },
  { name: 'import', summary: 'read a pretrained MobileNet v1 of another format (tfjs layers / Teachable Machine, tfjs graph model / TF Hub, Keras .h5, ONNX) into a model folder', load: async () => (await import('./import')).importCommand },
  { name: 'export', summary: 'write a model folder, or a MobileNet built from flags, as an ONNX file, a tfjs layers model or a Keras .h5', load: async () => (await import('./export')).exportCommand },
];
