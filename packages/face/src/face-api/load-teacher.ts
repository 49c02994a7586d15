import type { Embedder, EmbedderOptions } from '../embedder';
import { createEmbedder } from '../embedder';
import { DEFAULT_FACE_DISTANCE_THRESHOLD } from '../face-matcher';
import { FACE_API_RECOGNITION_MANIFEST, importFaceApiRecognitionWeights } from './import-recognition-weights';
import { FACE_API_RECOGNITION_DIVISOR, FACE_API_RECOGNITION_MEAN_RGB } from './recognition-net-graph';

export interface LoadFaceApiTeacherOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** Folder holding face-api's `face_recognition_model-weights_manifest.json` and `.bin`. Default: `model/` of the installed @vladmandic/face-api. */
  modelDir?: string;
  /** L2-normalize the descriptors. Default false: face-api's own descriptors (what DEFAULT_FACE_DISTANCE_THRESHOLD was measured on). */
  l2Normalize?: boolean;
  compileOptions?: EmbedderOptions['compileOptions'];
}

/**
 * Loads face-api's FaceRecognitionNet from local files (never from the
 * network) as our IR graph, compiled on the named backend: 150×150 crops
 * in, face-api's 128-d descriptors out. Node only (reads files).
 */
export async function loadFaceApiTeacher(options: LoadFaceApiTeacherOptions): Promise<Embedder> {
  if (!options || typeof options.backend !== 'string') throw new Error('loadFaceApiTeacher: options.backend is required (e.g. "wasm" or "cpu", registered with core)');
  const { findFaceApiModelDir, readFaceApiManifest } = await import('@mobilenet-kit/detection');
  const modelDir =
    options.modelDir ??
    (await findFaceApiModelDir({ caller: 'loadFaceApiTeacher', weights: "face-api's recognition weights", files: `${FACE_API_RECOGNITION_MANIFEST} and its .bin` }));
  const { manifest, manifestPath, readShard } = await readFaceApiManifest('loadFaceApiTeacher', modelDir, FACE_API_RECOGNITION_MANIFEST);
  const imported = await importFaceApiRecognitionWeights(manifest, readShard, manifestPath);
  return createEmbedder(imported.graph, imported.weights, {
    backend: options.backend,
    normalize: { meanRgb: FACE_API_RECOGNITION_MEAN_RGB, divisor: FACE_API_RECOGNITION_DIVISOR },
    l2Normalize: options.l2Normalize ?? false,
    compileOptions: options.compileOptions,
    // Measured on raw descriptors; L2-normalized ones have another scale (no threshold known).
    ...(options.l2Normalize ? {} : { threshold: DEFAULT_FACE_DISTANCE_THRESHOLD }),
  });
}
