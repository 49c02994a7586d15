import { performance } from 'node:perf_hooks';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerOnnxruntimeBackend } from '@mobilenet-kit/backend-onnxruntime';
import { compile, graphCost, unregisterBackend } from '@mobilenet-kit/core';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import { type OnnxLayout, toOnnx } from '@mobilenet-kit/onnx';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { alternateAB } from './ab-runner';
import type { BenchImage } from './bench-detection';
import { type BenchConfig, benchInput, configLabel } from './configs';
import { faceApiOnTfjs } from './face-api-on-tfjs';
import type { Timing } from './stats';

/**
 * The best MobileNet v1 1.0-224 batch 1 latency measured on this machine
 * (shared/FACTS.md: onnxruntime-node 1.30, BN folded, 2 threads), and issue
 * 8's targets against it: our backend at most 10% over a bare session on the
 * same file, and at most 1.5× this figure.
 */
export const BEST_MEASURED_MS = 4.4;
/** The same measurement at 1 thread (FACTS.md: 6.8 ms), the reference for 1-thread rows; the target is set at 2 threads. */
export const MEASURED_1_THREAD_MS = 6.8;
export const MAX_OVERHEAD = 0.1;
export const MAX_VS_BEST = 1.5;

export interface OnnxruntimeMobileNetResult {
  readonly config: BenchConfig;
  readonly label: string;
  readonly threads: number;
  readonly backendInfo: Readonly<Record<string, string | number | boolean>>;
  readonly multAdds: number;
  /** A: our 'onnxruntime' backend, `model.run` with a HostTensor, outputs read back. */
  readonly ours: Timing;
  /** B: a plain onnxruntime-node InferenceSession on the same exported bytes and session options. */
  readonly bare: Timing;
  /** ours median / bare median − 1. */
  readonly overhead: number;
  /** Bare sessions on the NCHW export (A) and the NHWC export (B) of the same graph: the layout choice, measured. */
  readonly layouts: { readonly nchw: Timing; readonly nhwc: Timing };
  readonly exportMs: number;
  readonly compileMs: number;
  readonly onnxBytes: number;
}

export interface OnnxruntimeBenchOptions {
  readonly warmup: number;
  readonly runs: number;
  readonly seed: number;
  readonly threads: number;
}

/**
 * Runs per turn when A and B alternate. With more than one intra-op thread,
 * onnxruntime's idle workers spin-wait after each run; run for run
 * alternation then times each side against the other's spinning threads
 * (measured here, MobileNet 1.0-224 at 2 threads: one session alone 4.8 ms,
 * two sessions alternated 9.7 ms, four 21.7 ms). Turns of 10 runs, each
 * after one untimed run, keep the two sides apart.
 */
function spinBlock(threads: number): number {
  return threads > 1 ? 10 : 1;
}

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  // The options our backend passes (onnxruntime-backend.ts), so that the two sides differ only in our wrapper.
  return { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', executionProviders: ['cpu'], logSeverityLevel: 3 };
}

/**
 * MobileNet v1 at one configuration: our 'onnxruntime' backend (A) against a
 * bare onnxruntime-node session on the same ONNX bytes (B), alternated in this
 * process; then the two layouts of the export, bare, alternated.
 */
export async function benchOnnxruntimeMobileNet(config: BenchConfig, options: OnnxruntimeBenchOptions): Promise<OnnxruntimeMobileNetResult> {
  const graph = mobilenetV1({ alpha: config.alpha, resolution: config.resolution });
  const weights = initializeWeights(graph, { seed: options.seed });
  registerOnnxruntimeBackend({ threads: options.threads });
  let t0 = performance.now();
  const model = await compile(graph, weights, { backend: 'onnxruntime' });
  const compileMs = performance.now() - t0;
  t0 = performance.now();
  const exports: Record<OnnxLayout, Uint8Array> = { nchw: toOnnx(graph, weights, { layout: 'nchw' }), nhwc: new Uint8Array() };
  const exportMs = performance.now() - t0;
  exports.nhwc = toOnnx(graph, weights, { layout: 'nhwc' });
  const sessions = {
    nchw: await ort.InferenceSession.create(exports.nchw, sessionOptions(options.threads)),
    nhwc: await ort.InferenceSession.create(exports.nhwc, sessionOptions(options.threads)),
  };

  const inputName = model.inputs[0]!.name;
  const { shape, data } = benchInput(config);
  const runOurs = async () => {
    await model.run({ [inputName]: { shape, data } });
  };
  const runBare = (session: ort.InferenceSession) => async () => {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', data, shape) });
    for (const t of Object.values(out)) if (!(t.data instanceof Float32Array)) throw new Error('bare session: not float32');
  };
  try {
    const ab = { ...options, block: spinBlock(options.threads) };
    const { a: ours, b: bare } = await alternateAB(runOurs, runBare(sessions.nchw), ab);
    const { a: nchw, b: nhwc } = await alternateAB(runBare(sessions.nchw), runBare(sessions.nhwc), ab);
    return {
      config,
      label: configLabel(config),
      threads: options.threads,
      backendInfo: { ...model.backend },
      multAdds: graphCost(graph).totals.multAdds,
      ours,
      bare,
      overhead: ours.median / bare.median - 1,
      layouts: { nchw, nhwc },
      exportMs,
      compileMs,
      onnxBytes: exports.nchw.length,
    };
  } finally {
    model.dispose();
    await sessions.nchw.release();
    await sessions.nhwc.release();
    unregisterBackend('onnxruntime');
  }
}

export interface OnnxruntimeDetectionResult {
  readonly image: string;
  readonly threads: number;
  readonly faces: { readonly ours: number; readonly faceApi: number };
  /** A: our face detector on 'onnxruntime', end to end from decoded pixels. */
  readonly ours: Timing;
  /** B: face-api's detectAllFaces on tfjs wasm (its fastest Node backend here, one thread). */
  readonly faceApi: Timing;
  readonly ratio: number;
}

/** Face detection end to end per photo: ours on 'onnxruntime' (A) against face-api on tfjs wasm (B), alternated. */
export async function benchOnnxruntimeDetection(images: readonly BenchImage[], options: Omit<OnnxruntimeBenchOptions, 'seed'> & { modelDir?: string }): Promise<OnnxruntimeDetectionResult[]> {
  registerOnnxruntimeBackend({ threads: options.threads });
  const detector = await loadFaceDetector({ backend: 'onnxruntime', ...(options.modelDir !== undefined ? { modelDir: options.modelDir } : {}) });
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm did not start for face-api (register the wasm backend first)');
  const faceapi = await faceApiOnTfjs(options.modelDir);
  const faceApiOptions = new faceapi.SsdMobilenetv1Options();
  const results: OnnxruntimeDetectionResult[] = [];
  try {
    for (const { name, image } of images) {
      let ours = 0;
      let theirs = 0;
      const runOurs = async () => {
        ours = (await detector.detect(image)).length;
      };
      const runFaceApi = async () => {
        const input = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
        try {
          theirs = (await faceapi.detectAllFaces(input, faceApiOptions)).length;
        } finally {
          input.dispose();
        }
      };
      const { a, b } = await alternateAB(runOurs, runFaceApi, { ...options, block: spinBlock(options.threads) });
      results.push({ image: name, threads: options.threads, faces: { ours, faceApi: theirs }, ours: a, faceApi: b, ratio: b.median / a.median });
    }
  } finally {
    detector.dispose();
    unregisterBackend('onnxruntime');
  }
  return results;
}

const pad = (s: string, n: number, right: boolean) => (right ? s.padStart(n) : s.padEnd(n));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatOnnxruntimeTable(results: readonly OnnxruntimeMobileNetResult[]): string {
  return table(
    ['model', 'threads', 'ours ms', 'bare ms', 'overhead', 'NCHW ms', 'NHWC ms', 'NHWC/NCHW', 'export ms', 'compile ms', 'runs'],
    results.map((r) => [
      r.label,
      String(r.threads),
      r.ours.median.toFixed(2),
      r.bare.median.toFixed(2),
      `${(100 * r.overhead).toFixed(1)}%`,
      r.layouts.nchw.median.toFixed(2),
      r.layouts.nhwc.median.toFixed(2),
      `${(r.layouts.nhwc.median / r.layouts.nchw.median).toFixed(2)}×`,
      r.exportMs.toFixed(0),
      r.compileMs.toFixed(0),
      String(r.ours.runs),
    ]),
  );
}

/** Issue 8's two targets at MobileNet 1.0-224 batch 1, where measured. */
export function formatOnnxruntimeTargets(results: readonly OnnxruntimeMobileNetResult[]): string {
  const headline = results.filter((r) => r.config.alpha === 1 && r.config.resolution === 224 && r.config.batch === 1);
  if (headline.length === 0) return 'targets: MobileNet 1.0-224 batch 1 was not measured';
  const lines = headline.map((r) => {
    const overheadOk = r.overhead <= MAX_OVERHEAD;
    const overheadText = `overhead over the bare session ${(100 * r.overhead).toFixed(1)}% (target ≤ ${100 * MAX_OVERHEAD}%: ${overheadOk ? 'met' : 'NOT met'})`;
    if (r.threads === 1) {
      // Issue 8's latency target is the 2-thread figure; at 1 thread the same measurement's 1-thread figure is the reference.
      const vs1 = r.ours.median / MEASURED_1_THREAD_MS;
      return `1.0-224 b1, 1 thread: ${overheadText}; ${r.ours.median.toFixed(2)} ms = ${vs1.toFixed(2)}× the ${MEASURED_1_THREAD_MS} ms measured at 1 thread (for reference; the latency target is set at 2 threads)`;
    }
    const vsBest = r.ours.median / BEST_MEASURED_MS;
    return `1.0-224 b1, ${r.threads} threads: ${overheadText}; ${r.ours.median.toFixed(2)} ms = ${vsBest.toFixed(2)}× the best measured ${BEST_MEASURED_MS} ms at 2 threads (target ≤ ${MAX_VS_BEST}×: ${vsBest <= MAX_VS_BEST ? 'met' : 'NOT met'})`;
  });
  return lines.join('\n');
}

export function formatOnnxruntimeDetectionTable(results: readonly OnnxruntimeDetectionResult[]): string {
  return table(
    ['image', 'threads', 'ours ms', 'face-api ms', 'B/A', 'faces (ours/face-api)', 'runs'],
    results.map((r) => [r.image, String(r.threads), r.ours.median.toFixed(1), r.faceApi.median.toFixed(1), `${r.ratio.toFixed(2)}×`, `${r.faces.ours}/${r.faces.faceApi}`, String(r.ours.runs)]),
  );
}
