import { FACE_API_SSD_INPUT_SIZE } from './face-detector-graph';
import { createDetector, type Detector, type DetectorOptions } from '../detector';
import { FACE_API_SSD_MANIFEST, importFaceApiSsdWeights } from './import-weights';

export interface LoadFaceDetectorOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** Folder holding face-api's `ssd_mobilenetv1_model-weights_manifest.json` and `.bin`. Default: `model/` of the installed @vladmandic/face-api. */
  modelDir?: string;
  compileOptions?: DetectorOptions['compileOptions'];
}

/** Where face-api's model folder is: resolved from the working directory first, then from this package. Node only. */
export async function findFaceApiModelDir(): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const attempts: string[] = [];
  for (const from of [path.join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const pkg = createRequire(from).resolve('@vladmandic/face-api/package.json');
      return path.join(path.dirname(pkg), 'model');
    } catch (e) {
      attempts.push(`from ${from}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `loadFaceDetector: cannot find the face detector's weights: @vladmandic/face-api is not installed (${attempts.join('; ')}). ` +
      'Install it (npm i @vladmandic/face-api) or pass modelDir: a folder holding ssd_mobilenetv1_model-weights_manifest.json and ssd_mobilenetv1_model.bin. Nothing is downloaded.',
  );
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
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const modelDir = options.modelDir ?? (await findFaceApiModelDir());
  const manifestPath = path.join(modelDir, FACE_API_SSD_MANIFEST);
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new Error(`loadFaceDetector: cannot read ${manifestPath} (${(e as Error).message}); modelDir must hold face-api's ${FACE_API_SSD_MANIFEST} and its .bin`, { cause: e });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadFaceDetector: ${manifestPath} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const imported = await importFaceApiSsdWeights(manifest, (shard) => fs.readFile(path.join(modelDir, shard)), manifestPath);
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
