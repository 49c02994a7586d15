import { performance } from 'node:perf_hooks';
import { type Detector, loadFaceDetector } from '@mobilenet-kit/detection';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { alternateAB } from './ab-runner';
import { faceApiOnTfjs } from './face-api-on-tfjs';
import { PeakMemory } from './memory';
import { summarize, type Timing } from './stats';

/** A decoded sample photo: decoding is outside what is timed. */
export interface BenchImage {
  readonly name: string;
  readonly image: RgbImage;
}

export interface DetectionResult {
  readonly backend: string;
  /** What ran, as our detector reports it (tfjs backend, SIMD, threads). */
  readonly backendInfo: Readonly<Record<string, string | number | boolean>>;
  readonly image: string;
  readonly width: number;
  readonly height: number;
  /** Faces found with face-api's defaults (minConfidence 0.5, maxResults 100) by each side. */
  readonly faces: { readonly ours: number; readonly faceApi: number };
  /** A: our detector, end to end from decoded pixels: preprocess + network + box decoding + NMS. */
  readonly ours: Timing;
  /** B: face-api's detectAllFaces from the same pixels (tensor from the bytes included). */
  readonly faceApi: Timing;
  /** B median / A median: above 1 means ours is faster. */
  readonly ratio: number;
  /** Our detector's own per-stage times over the timed runs. */
  readonly stages: { readonly preprocess: Timing; readonly network: Timing; readonly postprocess: Timing };
  /** Median over runs of (total − network) / total, where total is A's wall time: everything outside the network. */
  readonly outsideNetworkShare: number;
  /** Tensors left on the engine after all runs of both sides (0: nothing leaked). */
  readonly leakedTensors: number;
  readonly peakRssMiB: number;
}

export interface DetectionBenchOptions {
  readonly warmup: number;
  readonly runs: number;
  /** face-api's model/ folder (both sides load the same weights from it). Default: the installed @vladmandic/face-api's. */
  readonly modelDir?: string;
}

/**
 * Face detection end to end per image on one backend: our face detector (A)
 * against face-api's detectAllFaces with the same weights (B), on the same
 * tfjs backend (hence the same thread count), alternated in this process.
 * Both start from the same decoded RGB bytes and end with boxes in the
 * image's pixels. The detector is compiled once per backend, outside timing.
 */
export async function benchDetection(backend: string, images: readonly BenchImage[], options: DetectionBenchOptions): Promise<DetectionResult[]> {
  const detector: Detector = await loadFaceDetector({ backend, ...(options.modelDir !== undefined ? { modelDir: options.modelDir } : {}) });
  const tfBackend = String(detector.backend.tfjsBackend ?? backend);
  // face-api runs on the active tfjs backend: make it the one our detector runs on.
  if (!(await tf.setBackend(tfBackend))) throw new Error(`tfjs backend "${tfBackend}" did not start for face-api`);
  // Loaded once per process; its weights are made on the backend active then, and moved on first use elsewhere.
  const faceapi = await faceApiOnTfjs(options.modelDir);
  const faceApiOptions = new faceapi.SsdMobilenetv1Options();
  const results: DetectionResult[] = [];
  try {
    for (const { name, image } of images) {
      const memory = new PeakMemory();
      memory.reset();
      const tensorsBefore = tf.memory().numTensors;
      const stages = { preprocess: [] as number[], network: [] as number[], postprocess: [] as number[] };
      const totals: number[] = [];
      let oursFaces = 0;
      let faceApiFaces = 0;
      let calls = 0;
      const runOurs = async () => {
        const t0 = performance.now();
        const run = await detector.run([image]);
        const total = performance.now() - t0;
        oursFaces = run.detections[0]!.length;
        // Keep our stage times for the timed runs only (alternateAB calls each side `warmup` times first).
        if (calls++ >= options.warmup) {
          stages.preprocess.push(run.timings.preprocess);
          stages.network.push(run.timings.network);
          stages.postprocess.push(run.timings.postprocess);
          totals.push(total);
        }
      };
      const runFaceApi = async () => {
        if (tf.getBackend() !== tfBackend) throw new Error(`face-api would run on tfjs "${tf.getBackend()}", not "${tfBackend}"`);
        const input = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
        try {
          faceApiFaces = (await faceapi.detectAllFaces(input, faceApiOptions)).length;
        } finally {
          input.dispose();
        }
      };
      const { a, b } = await alternateAB(runOurs, runFaceApi, { warmup: options.warmup, runs: options.runs, memory });
      const shares = totals.map((total, i) => (total - stages.network[i]!) / total);
      results.push({
        backend,
        backendInfo: { ...detector.backend },
        image: name,
        width: image.width,
        height: image.height,
        faces: { ours: oursFaces, faceApi: faceApiFaces },
        ours: a,
        faceApi: b,
        ratio: b.median / a.median,
        stages: { preprocess: summarize(stages.preprocess), network: summarize(stages.network), postprocess: summarize(stages.postprocess) },
        outsideNetworkShare: summarize(shares).median,
        leakedTensors: tf.memory().numTensors - tensorsBefore,
        peakRssMiB: memory.peakMiB,
      });
    }
  } finally {
    detector.dispose();
  }
  return results;
}
