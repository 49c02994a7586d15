import { readdirSync } from 'node:fs';
import path from 'node:path';
import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { calibrationRecorder, importRuntime, registerOnnxruntimeBackend } from '@mobilenet-kit/backend-onnxruntime';
import { classProbabilities, datasetImage } from '@mobilenet-kit/classification';
import { loadClassifier, readFashionMnist } from '@mobilenet-kit/classification/node';
import { type HostTensor, registerBackend, unregisterBackend } from '@mobilenet-kit/core';
import { createPrng, randomWeights } from '@mobilenet-kit/core/conformance';
import { type Detection, type Detector, loadFaceDetector } from '@mobilenet-kit/detection';
import { type Embedder, faceCrop, loadEmbedderModel, shippedFaceModelDir } from '@mobilenet-kit/face';
import { decodeImage, preprocess, type RgbImage } from '@mobilenet-kit/image';
import { type CalibrationMethod, quantizeOnnx, toOnnx } from '@mobilenet-kit/onnx';
import * as ort from 'onnxruntime-node';
import { alternateAB } from './ab-runner';
import type { BenchImage } from './bench-detection';
import type { Timing } from './stats';

/** Issue 20's goals for int8 on onnxruntime-node. */
export const INT8_GOALS = { speedup: 1.5, meanIou: 0.95, cosine: 0.99, agreement: 0.99 } as const;

export interface Int8LatencyRow {
  readonly runtime: 'onnxruntime-node' | 'onnxruntime-web';
  readonly threads: number;
  readonly fp32: Timing;
  readonly int8: Timing;
  /** fp32 median / int8 median: > 1 means int8 is faster. */
  readonly speedup: number;
  /** onnxruntime-web: the largest |difference| of its int8 output from onnxruntime-node's on the same file and input. */
  readonly maxDifferenceFromNode?: number;
}

export interface Int8DetectionRow {
  readonly image: string;
  readonly fp32Faces: number;
  readonly int8Faces: number;
  /** Faces of fp32 (score ≥ 0.5) with no int8 face at IoU ≥ 0.5, and the reverse. */
  readonly lost: number;
  readonly added: number;
  /** IoU of each fp32 face with its best int8 face. */
  readonly ious: readonly number[];
  readonly maxScoreDifference: number;
  readonly fp32: Timing;
  readonly int8: Timing;
}

export interface Int8Report {
  readonly method: CalibrationMethod;
  readonly calibration: { readonly photos: readonly string[]; readonly faceCrops: number; readonly fashionImages: number };
  readonly latency: readonly Int8LatencyRow[];
  readonly detection: readonly Int8DetectionRow[];
  readonly embedding: { readonly crops: number; readonly minCosine: number; readonly meanCosine: number; readonly fp32: Timing; readonly int8: Timing };
  readonly fashion?: { readonly model: string; readonly images: number; readonly agreement: number; readonly fp32Accuracy: number; readonly int8Accuracy: number };
  readonly quantizeMs: number;
}

export interface Int8BenchOptions {
  readonly warmup: number;
  readonly runs: number;
  readonly threads: readonly number[];
  readonly method: CalibrationMethod;
  /** face-api's sample photos, decoded (the evaluation set of the detector and the embedder). */
  readonly samples: readonly BenchImage[];
  /** Folders of other photos for calibration (the fixtures' opencv/ and skimage/ face photos). */
  readonly calibrationDirs: readonly string[];
  /** A Fashion-MNIST classifier model folder; without one the Fashion-MNIST row is left out. */
  readonly fashionModel?: string;
  readonly fashionTestImages: number;
  readonly fashionCalibrationImages: number;
  readonly modelDir?: string;
  readonly log: (line: string) => void;
}

function spinBlock(threads: number): number {
  return threads > 1 ? 10 : 1;
}

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', executionProviders: ['cpu'], logSeverityLevel: 3 };
}

function iou(a: Detection['box'], b: Detection['box']): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

async function readPhotos(dirs: readonly string[]): Promise<{ name: string; image: RgbImage }[]> {
  const photos: { name: string; image: RgbImage }[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    } catch {
      continue;
    }
    for (const f of files) photos.push({ name: path.join(path.basename(dir), f), image: await decodeImage(path.join(dir, f)) });
  }
  return photos;
}

/**
 * int8 against fp32 on onnxruntime in one process: MobileNet 1.0-224 latency
 * (bare sessions on toOnnx's file and on quantizeOnnx's, alternated; the same
 * two files on onnxruntime-web's wasm), then what int8 keeps: the face
 * detector on face-api's sample photos, the shipped embedding student on the
 * faces found there, a Fashion-MNIST classifier on its test set. Every int8
 * model is calibrated on images that are not the ones it is scored on: other
 * photos (the fixtures' opencv and skimage folders), faces found in them,
 * Fashion-MNIST training images.
 */
export async function benchInt8(options: Int8BenchOptions): Promise<Int8Report> {
  const { method, log } = options;
  const photos = await readPhotos(options.calibrationDirs);
  if (photos.length === 0) throw new Error(`int8: no calibration photos in ${options.calibrationDirs.join(', ')} (run tooling/fixtures/fetch-face-photos.sh)`);
  log(`calibration: ${photos.length} photos from ${options.calibrationDirs.join(', ')}, method ${method}`);

  // MobileNet 1.0-224, calibrated on the photos. Core's conformance weights: latency does not depend on them, and
  // unlike Keras-default ones (whose activations fade to ~1e-14 by the last block) they keep the activations at
  // scale 1–6, so that the onnxruntime-web / onnxruntime-node comparison of the int8 outputs means something.
  const graph = mobilenetV1({ alpha: 1, resolution: 224 });
  const weights = randomWeights(graph, createPrng(1));
  const fp32Bytes = toOnnx(graph, weights);
  const batches = photos.slice(0, 16).map((p) => ({ input: preprocess(p.image, { size: 224 }).input }));
  const t0 = performance.now();
  const quantized = await quantizeOnnx(fp32Bytes, {
    method,
    calibration: batches,
    open: async (bytes) => {
      const s = await ort.InferenceSession.create(bytes, sessionOptions(Math.max(...options.threads)));
      return {
        async run(feeds) {
          const f: Record<string, ort.Tensor> = {};
          for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', t.data, [...t.shape]);
          const out = await s.run(f);
          return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
        },
        dispose: () => s.release(),
      };
    },
  });
  const quantizeMs = performance.now() - t0;
  log(`MobileNet 1.0-224 quantized in ${quantizeMs.toFixed(0)} ms: ${quantized.report.quantizedNodes.length} nodes, ${Object.keys(quantized.report.activations).length} activations`);
  const input: HostTensor = batches[0]!.input;
  const latency: Int8LatencyRow[] = [];
  const nodeInt8 = await ort.InferenceSession.create(quantized.bytes, sessionOptions(1));
  const nodeOut = Object.values(await nodeInt8.run({ input: new ort.Tensor('float32', input.data, [...input.shape]) }))[0]!.data as Float32Array;
  await nodeInt8.release();
  for (const threads of options.threads) {
    const fp32 = await ort.InferenceSession.create(fp32Bytes, sessionOptions(threads));
    const int8 = await ort.InferenceSession.create(quantized.bytes, sessionOptions(threads));
    const run = (s: ort.InferenceSession) => async () => {
      await s.run({ input: new ort.Tensor('float32', input.data, [...input.shape]) });
    };
    const { a, b } = await alternateAB(run(fp32), run(int8), { warmup: options.warmup, runs: options.runs, block: spinBlock(threads) });
    latency.push({ runtime: 'onnxruntime-node', threads, fp32: a, int8: b, speedup: a.median / b.median });
    log(`onnxruntime-node ${threads} thread(s): fp32 ${a.median.toFixed(2)} ms, int8 ${b.median.toFixed(2)} ms (${(a.median / b.median).toFixed(2)}×)`);
    await fp32.release();
    await int8.release();
  }
  {
    // onnxruntime-web's wasm build in Node, one thread (its threads need workers that it sets up for browsers).
    const web = (await importRuntime('onnxruntime-web')) as unknown as typeof ort;
    if (web.env.wasm) web.env.wasm.numThreads = 1;
    const opts = { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 } as const;
    const fp32 = await web.InferenceSession.create(fp32Bytes, opts);
    const int8 = await web.InferenceSession.create(quantized.bytes, opts);
    const run = (s: ort.InferenceSession) => async () => {
      await s.run({ input: new web.Tensor('float32', input.data, [...input.shape]) });
    };
    const webOut = Object.values(await int8.run({ input: new web.Tensor('float32', input.data, [...input.shape]) }))[0]!.data as Float32Array;
    let maxDifferenceFromNode = 0;
    for (let i = 0; i < webOut.length; i++) maxDifferenceFromNode = Math.max(maxDifferenceFromNode, Math.abs(webOut[i]! - nodeOut[i]!));
    const { a, b } = await alternateAB(run(fp32), run(int8), { warmup: options.warmup, runs: options.runs });
    latency.push({ runtime: 'onnxruntime-web', threads: 1, fp32: a, int8: b, speedup: a.median / b.median, maxDifferenceFromNode });
    log(`onnxruntime-web wasm 1 thread: fp32 ${a.median.toFixed(2)} ms, int8 ${b.median.toFixed(2)} ms (${(a.median / b.median).toFixed(2)}×); int8 output max |Δ| from onnxruntime-node ${maxDifferenceFromNode.toExponential(2)}`);
    await fp32.release();
    await int8.release();
  }

  // The heads on our backend: fp32, and int8 calibrated through a recorder of the fp32 head's network inputs.
  const threads = Math.max(...options.threads);
  registerOnnxruntimeBackend({ threads });
  const recorder = calibrationRecorder('onnxruntime');
  registerBackend(recorder.backend);
  const modelDirOption = options.modelDir !== undefined ? { modelDir: options.modelDir } : {};
  const int8Options = (calibration: readonly Readonly<Record<string, HostTensor>>[]) => ({ compileOptions: { backendOptions: { int8: { calibration, method } } } });
  const detectors: { fp32?: Detector; int8?: Detector } = {};
  const embedders: { fp32?: Embedder; int8?: Embedder } = {};
  try {
    // Detector: calibrated on the other photos.
    const recording = await loadFaceDetector({ backend: recorder.backend.name, ...modelDirOption });
    const calibrationFaces: RgbImage[] = [];
    for (const p of photos) for (const d of await recording.detect(p.image)) calibrationFaces.push(faceCrop(p.image, d.box).image);
    recording.dispose();
    detectors.fp32 = await loadFaceDetector({ backend: 'onnxruntime', ...modelDirOption });
    detectors.int8 = await loadFaceDetector({ backend: 'onnxruntime', ...modelDirOption, ...int8Options(recorder.batches.splice(0)) });
    const detection: Int8DetectionRow[] = [];
    const sampleFaces: RgbImage[] = [];
    for (const { name, image } of options.samples) {
      const a = await detectors.fp32.detect(image);
      const b = await detectors.int8.detect(image);
      for (const d of a) sampleFaces.push(faceCrop(image, d.box).image);
      const ious = a.map((d) => Math.max(0, ...b.map((e) => iou(d.box, e.box))));
      const lost = ious.filter((v) => v < 0.5).length;
      const added = b.filter((e) => !a.some((d) => iou(d.box, e.box) >= 0.5)).length;
      let maxScoreDifference = 0;
      for (const d of a) {
        const match = b.reduce<Detection | undefined>((best, e) => (best === undefined || iou(d.box, e.box) > iou(d.box, best.box) ? e : best), undefined);
        if (match) maxScoreDifference = Math.max(maxScoreDifference, Math.abs(match.score - d.score));
      }
      const fp32 = detectors.fp32;
      const int8 = detectors.int8;
      const timing = await alternateAB(
        async () => {
          await fp32.detect(image);
        },
        async () => {
          await int8.detect(image);
        },
        { warmup: options.warmup, runs: Math.max(3, Math.round(options.runs / 4)), block: spinBlock(threads) },
      );
      detection.push({ image: name, fp32Faces: a.length, int8Faces: b.length, lost, added, ious, maxScoreDifference, fp32: timing.a, int8: timing.b });
      log(`detection ${name}: ${a.length}/${b.length} faces, IoU ${ious.map((v) => v.toFixed(3)).join(' ')}, fp32 ${timing.a.median.toFixed(1)} ms, int8 ${timing.b.median.toFixed(1)} ms`);
    }

    // Embedding student: calibrated on the faces found in the other photos, scored on the faces of the samples.
    if (calibrationFaces.length === 0) throw new Error('int8: the calibration photos hold no face for the embedding student');
    const studentDir = await shippedFaceModelDir('embedding');
    const recordingEmbedder = await loadEmbedderModel(studentDir, { backend: recorder.backend.name });
    for (const crop of calibrationFaces) await recordingEmbedder.embed(crop);
    recordingEmbedder.dispose();
    embedders.fp32 = await loadEmbedderModel(studentDir, { backend: 'onnxruntime' });
    embedders.int8 = await loadEmbedderModel(studentDir, { backend: 'onnxruntime', ...int8Options(recorder.batches.splice(0)) });
    const cosines: number[] = [];
    for (const crop of sampleFaces) {
      const [a] = await embedders.fp32.embed(crop);
      const [b] = await embedders.int8.embed(crop);
      cosines.push(cosine(a!, b!));
    }
    const fe = embedders.fp32;
    const ie = embedders.int8;
    const crop0 = sampleFaces[0]!;
    const embedTiming = await alternateAB(
      async () => {
        await fe.embed(crop0);
      },
      async () => {
        await ie.embed(crop0);
      },
      { warmup: options.warmup, runs: options.runs, block: spinBlock(threads) },
    );
    const embedding = { crops: cosines.length, minCosine: Math.min(...cosines), meanCosine: cosines.reduce((s, c) => s + c, 0) / cosines.length, fp32: embedTiming.a, int8: embedTiming.b };
    log(`embedding student: ${calibrationFaces.length} calibration faces, ${cosines.length} sample faces, cosine min ${embedding.minCosine.toFixed(4)} mean ${embedding.meanCosine.toFixed(4)}`);

    // Fashion-MNIST: calibrated on training images, scored on the test set.
    let fashion: Int8Report['fashion'];
    let fashionCalibration = 0;
    if (options.fashionModel) {
      const train = await readFashionMnist('train');
      const test = await readFashionMnist('test');
      const calib = Array.from({ length: Math.min(options.fashionCalibrationImages, train.count) }, (_, i) => datasetImage(train, i));
      fashionCalibration = calib.length;
      const recordingClassifier = await loadClassifier(options.fashionModel, { backend: recorder.backend.name });
      await classProbabilities(recordingClassifier, calib, 32);
      recordingClassifier.dispose();
      const fp32 = await loadClassifier(options.fashionModel, { backend: 'onnxruntime' });
      const int8 = await loadClassifier(options.fashionModel, { backend: 'onnxruntime', backendOptions: { int8: { calibration: recorder.batches.splice(0), method } } });
      const n = Math.min(options.fashionTestImages, test.count);
      const images = Array.from({ length: n }, (_, i) => datasetImage(test, i));
      const pa = await classProbabilities(fp32, images, 64);
      const pb = await classProbabilities(int8, images, 64);
      const classes = fp32.labels.length;
      const argmax = (p: Float32Array, i: number) => {
        let best = 0;
        for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + best]!) best = c;
        return best;
      };
      let agree = 0;
      let rightA = 0;
      let rightB = 0;
      for (let i = 0; i < n; i++) {
        const a = argmax(pa.data, i);
        const b = argmax(pb.data, i);
        if (a === b) agree++;
        if (a === test.labels[i]) rightA++;
        if (b === test.labels[i]) rightB++;
      }
      fp32.dispose();
      int8.dispose();
      fashion = { model: options.fashionModel, images: n, agreement: agree / n, fp32Accuracy: rightA / n, int8Accuracy: rightB / n };
      log(`Fashion-MNIST ${n} test images: top-1 agreement ${(100 * fashion.agreement).toFixed(2)}%, accuracy fp32 ${(100 * fashion.fp32Accuracy).toFixed(2)}% int8 ${(100 * fashion.int8Accuracy).toFixed(2)}%`);
    }
    return {
      method,
      calibration: { photos: photos.map((p) => p.name), faceCrops: calibrationFaces.length, fashionImages: fashionCalibration },
      latency,
      detection,
      embedding,
      ...(fashion ? { fashion } : {}),
      quantizeMs,
    };
  } finally {
    detectors.fp32?.dispose();
    detectors.int8?.dispose();
    embedders.fp32?.dispose();
    embedders.int8?.dispose();
    unregisterBackend(recorder.backend.name);
    unregisterBackend('onnxruntime');
  }
}

const pad = (s: string, n: number, right: boolean) => (right ? s.padStart(n) : s.padEnd(n));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatInt8Report(r: Int8Report): string {
  const lat = table(
    ['runtime', 'threads', 'fp32 ms', 'int8 ms', 'fp32/int8', 'runs'],
    r.latency.map((l) => [l.runtime, String(l.threads), l.fp32.median.toFixed(2), l.int8.median.toFixed(2), `${l.speedup.toFixed(2)}×`, String(l.fp32.runs)]),
  );
  const det = table(
    ['image', 'faces fp32/int8', 'lost', 'added', 'IoU min', 'IoU mean', 'max |Δscore|', 'fp32 ms', 'int8 ms', 'fp32/int8'],
    r.detection.map((d) => [
      d.image,
      `${d.fp32Faces}/${d.int8Faces}`,
      String(d.lost),
      String(d.added),
      d.ious.length ? Math.min(...d.ious).toFixed(3) : '-',
      d.ious.length ? (d.ious.reduce((s, v) => s + v, 0) / d.ious.length).toFixed(3) : '-',
      d.maxScoreDifference.toFixed(3),
      d.fp32.median.toFixed(1),
      d.int8.median.toFixed(1),
      `${(d.fp32.median / d.int8.median).toFixed(2)}×`,
    ]),
  );
  return [`MobileNet v1 1.0-224 batch 1, bare sessions on the fp32 and the int8 (QDQ, ${r.method}) files, alternated, median ms:\n`, lat, `\nFace detector on 'onnxruntime', fp32 vs int8, face-api's sample photos (score ≥ 0.5):\n`, det].join('\n');
}

/** The goals, met or not, with the figures. */
export function formatInt8Goals(r: Int8Report): string {
  const node = r.latency.filter((l) => l.runtime === 'onnxruntime-node');
  const ious = r.detection.flatMap((d) => d.ious);
  const meanIou = ious.reduce((s, v) => s + v, 0) / Math.max(1, ious.length);
  const lost = r.detection.reduce((s, d) => s + d.lost, 0);
  const added = r.detection.reduce((s, d) => s + d.added, 0);
  const web = r.latency.find((l) => l.runtime === 'onnxruntime-web');
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = [
    ...node.map((l) => `latency fp32/int8 on onnxruntime-node, ${l.threads} thread(s): ${l.speedup.toFixed(2)}× (goal ≥ ${INT8_GOALS.speedup}×: ${met(l.speedup >= INT8_GOALS.speedup)})`),
    `face detection: mean IoU ${meanIou.toFixed(4)} over ${ious.length} faces (goal ≥ ${INT8_GOALS.meanIou}: ${met(meanIou >= INT8_GOALS.meanIou)}), ${lost} lost, ${added} added (goal 0: ${met(lost === 0 && added === 0)})`,
    `embedding student: cosine to fp32 min ${r.embedding.minCosine.toFixed(4)}, mean ${r.embedding.meanCosine.toFixed(4)} over ${r.embedding.crops} faces (goal ≥ ${INT8_GOALS.cosine}: ${met(r.embedding.minCosine >= INT8_GOALS.cosine)}); latency fp32 ${r.embedding.fp32.median.toFixed(2)} ms, int8 ${r.embedding.int8.median.toFixed(2)} ms`,
    r.fashion
      ? `Fashion-MNIST: top-1 agreement ${(100 * r.fashion.agreement).toFixed(2)}% on ${r.fashion.images} test images (goal ≥ ${100 * INT8_GOALS.agreement}%: ${met(r.fashion.agreement >= INT8_GOALS.agreement)}); accuracy fp32 ${(100 * r.fashion.fp32Accuracy).toFixed(2)}%, int8 ${(100 * r.fashion.int8Accuracy).toFixed(2)}%`
      : 'Fashion-MNIST: not measured (give --fashion-classifier DIR)',
    web
      ? `onnxruntime-web wasm (1 thread): fp32/int8 ${web.speedup.toFixed(2)}×: int8 ${web.speedup > 1.05 ? 'helps' : web.speedup < 0.95 ? 'is slower' : 'makes no difference'} there (one run; it varies, see the onnx README); its int8 output max |Δ| from onnxruntime-node's ${web.maxDifferenceFromNode?.toExponential(2) ?? '?'}`
      : '',
  ];
  return lines.filter(Boolean).join('\n');
}
