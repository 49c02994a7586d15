import { type Detector, type ImportedFaceApiSsd, createDetector, importFaceApiSsdWeights } from '@mobilenet-kit/detection';
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

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}: the app serves its own weights (models/), is the build complete?`);
  return new Uint8Array(await response.arrayBuffer());
}

let imported: Promise<ImportedFaceApiSsd> | undefined;

/**
 * face-api's manifest and shard from this app's models/ folder, through
 * detection's importer (the same mapping as loadFaceDetector, which reads
 * files in Node). Fetched once per page.
 */
function importWeights(): Promise<ImportedFaceApiSsd> {
  if (!imported) {
    imported = (async () => {
      const manifestUrl = pageUrl(MODEL_FOLDER + FACE_DETECTOR_MANIFEST);
      const manifest: unknown = JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl)));
      return importFaceApiSsdWeights(manifest, (shard) => fetchBytes(new URL(shard, manifestUrl).href), manifestUrl);
    })();
    imported.catch(() => {
      imported = undefined;
    });
  }
  return imported;
}

/**
 * The pretrained SSD MobileNetV1 face detector on `backend`, configured as
 * detection's loadFaceDetector does (pad bottom/right, 512×512, x/127.5 − 1,
 * sigmoid scores, class 1 = face).
 */
export async function loadBrowserFaceDetector(backend: string): Promise<DetectorLoad> {
  const t0 = performance.now();
  const { graph, weights, anchors } = await importWeights();
  const t1 = performance.now();
  const detector = await createDetector(graph, weights, {
    backend,
    anchors,
    // Class 2 of this model is never read by face-api (its outputLayer takes class 1 only).
    labels: ['face', null],
    resize: 'padBottomRight',
    normalize: 'minusOneToOne',
    scoreConversion: 'sigmoid',
    // On webgl the first run compiles the shaders (seconds): do it here, so that detection times are steady ones.
    compileOptions: { warmup: backend === 'webgl' },
  });
  return { detector, weightsMs: t1 - t0, compileMs: performance.now() - t1 };
}
