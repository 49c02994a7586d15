import { FACE_API_SSD_INPUT_SIZE } from './face-detector-graph';
import { createDetector, type Detector, type DetectorOptions } from '../detector';
import { findFaceApiModelDir, readFaceApiManifest } from './face-api-model-dir';
import { FACE_API_SSD_MANIFEST, importFaceApiSsdWeights } from './import-weights';

export interface LoadFaceDetectorOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** Folder holding face-api's `ssd_mobilenetv1_model-weights_manifest.json` and `.bin`. Default: `model/` of the installed @vladmandic/face-api. */
  modelDir?: string;
  compileOptions?: DetectorOptions['compileOptions'];
}

/**
 * Loads face-api's pretrained SSD MobileNetV1 face detector from local files
 * (never from the network) and compiles it on the named backend. Images
 * are padded bottom/right to a square, resized to 512×512 and scaled to
 * x / 127.5 − 1, as face-api does; results are `{ box, score, label: 'face' }`
 * in the original image's pixels.
 */
export async function loadFaceDetector(options: LoadFaceDetectorOptions): Promise<Detector> {
  if (!options || typeof options.backend !== 'string') throw new Error('loadFaceDetector: options.backend is required (e.g. "wasm" or "cpu", registered with core)');
  const modelDir = options.modelDir ?? (await findFaceApiModelDir());
  const { manifest, manifestPath, readShard } = await readFaceApiManifest('loadFaceDetector', modelDir, FACE_API_SSD_MANIFEST);
  const imported = await importFaceApiSsdWeights(manifest, readShard, manifestPath);
  return createDetector(imported.graph, imported.weights, {
    backend: options.backend,
    anchors: imported.anchors,
    // Class 2 of this model is never read by face-api (outputLayer.ts takes class 1 only).
    labels: ['face', null],
    resize: 'padBottomRight',
    normalize: 'minusOneToOne',
    scoreConversion: 'sigmoid',
    compileOptions: options.compileOptions,
  });
}

export { FACE_API_SSD_INPUT_SIZE };
