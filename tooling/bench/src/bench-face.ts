import { createEmbedder, createFaceStudent, type Embedder, loadEmbedderModel, loadFaceApiTeacher } from '@mobilenet-kit/face';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { alternateAB } from './ab-runner';
import { faceApiModelDir, faceApiOnTfjs, faceApiWeightMap } from './face-api-on-tfjs';
import type { Timing } from './stats';

/** face-api 1.7.15's recognition net manifest in its model/ folder. */
const RECOGNITION_MANIFEST = 'face_recognition_model-weights_manifest.json';

export interface FaceEmbeddingResult {
  readonly backend: string;
  /** What ran as A. */
  readonly model: string;
  /** A: our embedder, one crop (resize, normalization, network, read back). */
  readonly ours: Timing;
  /** B: face-api's computeFaceDescriptor on the same crop (its FaceRecognitionNet, 150×150). */
  readonly faceApi: Timing;
  /** For the teacher: the largest |difference| between its descriptor and face-api's on the crop (the same network, so ≈ 0). */
  readonly maxDifferenceFromFaceApi?: number;
}

interface FaceApiRecognition {
  readonly nets: { readonly faceRecognitionNet: { loadFromWeightMap(map: unknown): void; readonly isLoaded: boolean } };
  computeFaceDescriptor(input: unknown): Promise<Float32Array | Float32Array[]>;
}

/** face-api with its recognition weights from local files, on the active tfjs backend (faceApiOnTfjs checks it is ours). */
async function faceApiRecognition(modelDir = faceApiModelDir()): Promise<FaceApiRecognition> {
  const faceapi = (await faceApiOnTfjs(modelDir)) as unknown as FaceApiRecognition;
  if (!faceapi.nets.faceRecognitionNet.isLoaded) faceapi.nets.faceRecognitionNet.loadFromWeightMap(await faceApiWeightMap(modelDir, RECOGNITION_MANIFEST));
  return faceapi;
}

/**
 * Face embedding latency on one crop: the teacher (face-api's recognition net
 * imported into our IR) and the MobileNet student, each A/B alternated against
 * face-api's own computeFaceDescriptor on the same crop and tfjs backend. The
 * student is the model folder `studentDir` (what `train face-distill` writes)
 * or, without one, the documented student architecture (1.0 MobileNet-128,
 * canonical mirroring) initialized from the detector: latency does not depend
 * on the weights.
 */
export async function benchFaceEmbedding(backend: string, crop: RgbImage, options: { warmup: number; runs: number; studentDir?: string }): Promise<FaceEmbeddingResult[]> {
  const teacher = await loadFaceApiTeacher({ backend });
  // face-api runs on the active tfjs backend, and its weights are made there: the one our embedders compiled to.
  const tfBackend = String(teacher.backend.tfjsBackend ?? backend);
  if (!(await tf.setBackend(tfBackend))) throw new Error(`tfjs backend "${tfBackend}" did not start for face-api`);
  const faceapi = await faceApiRecognition();
  let student: Embedder;
  let studentLabel: string;
  if (options.studentDir) {
    student = await loadEmbedderModel(options.studentDir, { backend });
    studentLabel = `student ${options.studentDir}`;
  } else {
    const built = await createFaceStudent({ alpha: 1, resolution: 128 });
    student = await createEmbedder(built.graph, built.weights, { backend, mirror: 'canonical' });
    studentLabel = 'student 1.0 MobileNet-128 (mirror canonical)';
  }
  const input = tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
  const results: FaceEmbeddingResult[] = [];
  try {
    for (const [label, embedder] of [
      ['teacher (face-api recognition net in our IR)', teacher],
      [studentLabel, student],
    ] as const) {
      const timing = await alternateAB(
        async () => void (await embedder.embed(crop)),
        async () => void (await faceapi.computeFaceDescriptor(input)),
        { warmup: options.warmup, runs: options.runs },
      );
      let maxDifferenceFromFaceApi: number | undefined;
      if (embedder === teacher) {
        const [ours] = await teacher.embed([crop]);
        const theirs = (await faceapi.computeFaceDescriptor(input)) as Float32Array;
        maxDifferenceFromFaceApi = ours!.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i]!)), 0);
      }
      results.push({ backend, model: label, ours: timing.a, faceApi: timing.b, ...(maxDifferenceFromFaceApi !== undefined ? { maxDifferenceFromFaceApi } : {}) });
    }
  } finally {
    input.dispose();
    teacher.dispose();
    student.dispose();
  }
  return results;
}

export function formatFaceTable(results: readonly FaceEmbeddingResult[]): string {
  const rows = [['backend', 'A', 'A median ms (p90)', 'B face-api median ms (p90)', 'B/A', 'max |A−B| descriptor']];
  for (const r of results) {
    rows.push([r.backend, r.model, `${r.ours.median.toFixed(1)} (${r.ours.p90.toFixed(1)})`, `${r.faceApi.median.toFixed(1)} (${r.faceApi.p90.toFixed(1)})`, (r.faceApi.median / r.ours.median).toFixed(2), r.maxDifferenceFromFaceApi === undefined ? '' : r.maxDifferenceFromFaceApi.toExponential(1)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}
