/**
 * The page side of `pnpm bench --task browser` (bundled by esbuild and run
 * in headless Chromium by browser-bench.ts). Each export times one model on
 * one backend in a fresh page: starting the backend, compiling, the first
 * run (on webgl: shader compilation included) and the steady state.
 */
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { registerWebGLBackend } from '@mobilenet-kit/backend-webgl';
import { type BackendInfo, compile, getBackend } from '@mobilenet-kit/core';
import { createFaceApiDetector, FACE_API_SSD_MANIFEST, fetchFaceApiManifest, importFaceApiSsdWeights } from '@mobilenet-kit/detection';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchConfig, benchInput } from './configs';

/** Where browser-bench.ts serves the files the page needs. */
export const BROWSER_BENCH_PATHS = { wasm: '/wasm/', faceApiModel: '/face-api-model/', samples: '/samples/' } as const;

const REGISTER: Record<string, () => void> = {
  webgl: () => registerWebGLBackend(),
  wasm: () => registerWasmBackend({ wasmPaths: BROWSER_BENCH_PATHS.wasm }),
  cpu: () => registerCpuBackend(),
};

export interface PageTimings {
  readonly backendInfo: BackendInfo;
  /** Starting the backend: WebGL context, or fetching and instantiating the wasm module. */
  readonly startMs: number;
  /** compile(): passes, lowering, uploading the weights, and the warm-up run when `warmupOnCompile`. */
  readonly compileMs: number;
  /** The first run after compile (without warm-up, on webgl it compiles the shaders). */
  readonly firstRunMs: number;
  /** Timed runs after the first and `warmup` more. */
  readonly steadyMs: number[];
  /** Tensors left after the model was disposed (0: nothing leaked). */
  readonly leakedTensors: number;
  readonly detail: Readonly<Record<string, string | number>>;
}

async function start(backend: string): Promise<number> {
  const register = REGISTER[backend];
  if (!register) throw new Error(`unknown browser backend "${backend}" (known: ${Object.keys(REGISTER).join(', ')})`);
  register();
  const t0 = performance.now();
  await getBackend(backend).init?.();
  return performance.now() - t0;
}

async function timeRuns(run: () => Promise<unknown>, warmup: number, runs: number): Promise<{ firstRunMs: number; steadyMs: number[] }> {
  let t0 = performance.now();
  await run();
  const firstRunMs = performance.now() - t0;
  for (let i = 0; i < warmup; i++) await run();
  const steadyMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    await run();
    steadyMs.push(performance.now() - t0);
  }
  return { firstRunMs, steadyMs };
}

/**
 * MobileNet v1 (random weights, seed 1, BN folded by compile) on `backend`;
 * input and output copies included, as in the Node bench.
 * `warmupOnCompile`: compile with `warmup: true`.
 */
export async function benchMobileNetInPage(backend: string, config: BenchConfig, warmup: number, runs: number, warmupOnCompile = false): Promise<PageTimings> {
  const startMs = await start(backend);
  const graph = mobilenetV1({ alpha: config.alpha, resolution: config.resolution });
  const weights = initializeWeights(graph, { seed: 1 });
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  const model = await compile(graph, weights, { backend, warmup: warmupOnCompile });
  const compileMs = performance.now() - t0;
  const input = benchInput(config);
  const { firstRunMs, steadyMs } = await timeRuns(() => model.run({ input }), warmup, runs);
  model.dispose();
  return { backendInfo: model.backend, startMs, compileMs, firstRunMs, steadyMs, leakedTensors: tf.memory().numTensors - tensorsBefore, detail: {} };
}

/** Decodes a served photo with the browser's decoder (outside timing) into RGB bytes. */
async function decodePhoto(url: string): Promise<RgbImage> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas context to decode the photo');
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const data = new Uint8Array(bitmap.width * bitmap.height * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    data[q] = rgba[p]!;
    data[q + 1] = rgba[p + 1]!;
    data[q + 2] = rgba[p + 2]!;
  }
  return { width: bitmap.width, height: bitmap.height, data };
}

/**
 * face-api's SSD MobileNetV1 face detector, end to end on one photo
 * (preprocess + network + box decoding + NMS). The weights are fetched and
 * imported before timing; compile = createFaceApiDetector (what
 * loadFaceDetector compiles).
 */
export async function benchFaceDetectorInPage(backend: string, photo: string, warmup: number, runs: number, warmupOnCompile = false): Promise<PageTimings> {
  const startMs = await start(backend);
  const { manifest, manifestPath, readShard } = await fetchFaceApiManifest('browser bench', BROWSER_BENCH_PATHS.faceApiModel, FACE_API_SSD_MANIFEST);
  const imported = await importFaceApiSsdWeights(manifest, readShard, manifestPath);
  const image = await decodePhoto(`${BROWSER_BENCH_PATHS.samples}${photo}`);
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  const detector = await createFaceApiDetector(imported, { backend, compileOptions: { warmup: warmupOnCompile } });
  const compileMs = performance.now() - t0;
  let faces = 0;
  const { firstRunMs, steadyMs } = await timeRuns(
    async () => {
      faces = (await detector.detect(image)).length;
    },
    warmup,
    runs,
  );
  detector.dispose();
  return {
    backendInfo: detector.backend,
    startMs,
    compileMs,
    firstRunMs,
    steadyMs,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    detail: { photo, width: image.width, height: image.height, faces },
  };
}
