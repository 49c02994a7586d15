import { type Detector, type ImportedFaceApiSsd, createFaceApiDetector, fetchFaceApiManifest, importFaceApiSsdWeights } from '@mobilenet-kit/detection';
import { compilesShaders } from './backend-names';
import { FACE_DETECTOR_MANIFEST } from './offline-assets';

/** What loading took, for the page's stage timings (first use of a backend only). */
export interface DetectorLoad {
  readonly detector: Detector;
  /** Fetching and decoding the weights (shared by every backend: 0 after the first). */
  readonly weightsMs: number;
  /** Uploading the weights to the backend, plus one warm-up run on webgl and webgpu (shader compilation). */
  readonly compileMs: number;
}

let imported: Promise<ImportedFaceApiSsd> | undefined;

/**
 * face-api's manifest and shard from the app's models/ folder (`modelUrl`),
 * through detection's fetcher and importer (what loadFaceDetector({ modelUrl })
 * does), fetched and decoded once per worker and compiled on each backend chosen.
 */
function importWeights(modelUrl: string): Promise<ImportedFaceApiSsd> {
  if (!imported) {
    imported = (async () => {
      const { manifest, manifestPath, readShard } = await fetchFaceApiManifest('face detector', modelUrl, FACE_DETECTOR_MANIFEST);
      return importFaceApiSsdWeights(manifest, readShard, manifestPath);
    })();
    imported.catch(() => {
      imported = undefined;
    });
  }
  return imported;
}

/**
 * The pretrained SSD MobileNetV1 face detector on `backend`, set up as face-api
 * runs it (detection's createFaceApiDetector).
 */
export async function loadBrowserFaceDetector(backend: string, modelUrl: string): Promise<DetectorLoad> {
  const t0 = performance.now();
  const weights = await importWeights(modelUrl);
  const t1 = performance.now();
  // On the GPU backends the first run compiles the shaders (seconds): do it here, so that detection times are steady ones.
  const detector = await createFaceApiDetector(weights, { backend, compileOptions: { warmup: compilesShaders(backend) } });
  return { detector, weightsMs: t1 - t0, compileMs: performance.now() - t1 };
}
