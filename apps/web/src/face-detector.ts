import { type Detector, type ImportedFaceApiSsd, createFaceApiDetector, fetchFaceApiManifest, importFaceApiSsdWeights } from '@mobilenet-kit/detection';
import { pageUrl } from './backends';
import { FACE_DETECTOR_MANIFEST, MODEL_FOLDER } from './offline-assets';

/** What loading took, for the page's stage timings (first use of a backend only). */
export interface DetectorLoad {
  readonly detector: Detector;
  /** Fetching and decoding the weights (shared by every backend: 0 after the first). */
  readonly weightsMs: number;
  /** Uploading the weights to the backend, plus one warm-up run on webgl (shader compilation). */
  readonly compileMs: number;
}

let imported: Promise<ImportedFaceApiSsd> | undefined;

/**
 * face-api's manifest and shard from this app's models/ folder, through
 * detection's fetcher and importer (what loadFaceDetector({ modelUrl }) does),
 * fetched and decoded once per page and compiled on each backend chosen.
 */
function importWeights(): Promise<ImportedFaceApiSsd> {
  if (!imported) {
    imported = (async () => {
      const { manifest, manifestPath, readShard } = await fetchFaceApiManifest('face detector', pageUrl(MODEL_FOLDER), FACE_DETECTOR_MANIFEST);
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
export async function loadBrowserFaceDetector(backend: string): Promise<DetectorLoad> {
  const t0 = performance.now();
  const imported = await importWeights();
  const t1 = performance.now();
  // On webgl the first run compiles the shaders (seconds): do it here, so that detection times are steady ones.
  const detector = await createFaceApiDetector(imported, { backend, compileOptions: { warmup: backend === 'webgl' } });
  return { detector, weightsMs: t1 - t0, compileMs: performance.now() - t1 };
}
