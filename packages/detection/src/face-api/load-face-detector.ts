import { FACE_API_SSD_INPUT_SIZE } from './face-detector-graph';
import { createDetector, type Detector, type DetectorOptions } from '../detector';
import { type FaceApiManifestFile, findFaceApiModelDir, readFaceApiManifest } from './face-api-model-dir';
import { fetchFaceApiManifest } from './fetch-face-api-manifest';
import { FACE_API_SSD_MANIFEST, type ImportedFaceApiSsd, importFaceApiSsdWeights } from './import-weights';

export interface FaceApiDetectorOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, `webgl`, …); required. */
  backend: string;
  compileOptions?: DetectorOptions['compileOptions'];
}

export interface LoadFaceDetectorOptions extends FaceApiDetectorOptions {
  /** Folder holding face-api's `ssd_mobilenetv1_model-weights_manifest.json` and `.bin` (Node). Default: `model/` of the installed @vladmandic/face-api. */
  modelDir?: string;
  /** URL of a folder serving the same two files, fetched (browsers, or Node against a local server); relative URLs resolve against the page. */
  modelUrl?: string;
}

/**
 * Compiles imported face-api SSD MobileNetV1 weights into a detector set up
 * as face-api runs it: images padded bottom/right to a square, resized to
 * 512×512 and scaled to x / 127.5 − 1, sigmoid scores, class 1 = face. For
 * callers that import the weights once and compile them on several backends.
 */
export function createFaceApiDetector(imported: ImportedFaceApiSsd, options: FaceApiDetectorOptions): Promise<Detector> {
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

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Loads face-api's pretrained SSD MobileNetV1 face detector from local files
 * (`modelDir`, Node) or from the page's own server (`modelUrl`) — never from
 * a CDN — and compiles it on the named backend (see createFaceApiDetector).
 * Results are `{ box, score, label: 'face' }` in the original image's pixels.
 */
export async function loadFaceDetector(options: LoadFaceDetectorOptions): Promise<Detector> {
  if (!options || typeof options.backend !== 'string') throw new Error('loadFaceDetector: options.backend is required (e.g. "wasm" or "cpu", registered with core)');
  if (options.modelDir !== undefined && options.modelUrl !== undefined) throw new Error('loadFaceDetector: pass modelDir (a folder on disk) or modelUrl (a folder URL), not both');
  let file: FaceApiManifestFile;
  if (options.modelUrl !== undefined) {
    file = await fetchFaceApiManifest('loadFaceDetector', options.modelUrl, FACE_API_SSD_MANIFEST);
  } else {
    if (options.modelDir === undefined && !isNode()) {
      throw new Error("loadFaceDetector: outside Node there is no installed face-api to read from: pass modelUrl, the URL of a folder your app serves holding face-api's ssd_mobilenetv1 manifest and .bin");
    }
    file = await readFaceApiManifest('loadFaceDetector', options.modelDir ?? (await findFaceApiModelDir()), FACE_API_SSD_MANIFEST);
  }
  const imported = await importFaceApiSsdWeights(file.manifest, file.readShard, file.manifestPath);
  return createFaceApiDetector(imported, options);
}

export { FACE_API_SSD_INPUT_SIZE };
