#!/usr/bin/env node
// `pnpm bench`: on every Node backend, A/B alternated in one process:
// MobileNet v1, ours (A) against a tfjs-layers model with the same weights (B);
// face detection on face-api's sample photos, ours (A) against face-api (B).
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { decodeImage } from '@mobilenet-kit/image';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchImage, benchDetection, type DetectionResult } from './bench-detection';
import { benchMobileNet, type MobileNetResult } from './bench-mobilenet';
import { BROWSER_BACKENDS, benchInBrowser, formatBrowserTable } from './browser-bench';
import { benchOnnxruntimeDetection, benchOnnxruntimeMobileNet, formatOnnxruntimeDetectionTable, formatOnnxruntimeTable, formatOnnxruntimeTargets, type OnnxruntimeMobileNetResult } from './bench-onnxruntime';
import { FULL_CONFIGS, QUICK_CONFIGS, configLabel } from './configs';
import { benchFaceEmbedding, type FaceEmbeddingResult, formatFaceTable } from './bench-face';
import { benchGalleries, formatGalleryTable, GALLERY_SIZES } from './bench-gallery';
import { benchGeoHead, formatGeoHeadTable, PLANET_CELLS } from './bench-geo-head';
import { benchInt8, formatInt8Goals, formatInt8Report } from './bench-int8';
import { benchColdStart, CLI_BIN, coldStartPairs, formatColdStartGoals, formatColdStartTable } from './bench-cold-start';
import { faceApiModelDir } from './face-api-on-tfjs';
import { formatTable } from './report';
import { benchTeachableMachine, formatTeachableMachineTable, TEACHABLE_MACHINE_CONFIG, type TeachableMachineResult } from './bench-teachable-machine';
import { formatDetectionTable, formatDetectionTargets } from './report-detection';
import { formatTrainingTable, TRAINING_BENCH_CONFIG, benchTrainingThroughput, type TrainingThroughputResult } from './training-throughput';

const TASKS = ['mobilenet', 'detection', 'onnxruntime', 'training', 'face', 'gallery', 'geo-head', 'teachable-machine', 'cold-start', 'all', 'browser', 'int8'] as const;

/** face-api's demo photos; decoded once, outside timing. */
const SAMPLES = [1, 2, 3, 4, 5, 6].map((i) => `sample${i}.jpg`);
/**
 * face-api takes 7.6 s per photo on tfjs-backend-cpu (shared/FACTS.md), and so
 * does our network there: on cpu, detection runs on sample1 only, one warm-up
 * and at most 3 timed runs of each side (about a minute), whatever --runs says.
 */
const CPU_DETECTION_RUNS = 3;
/** The Teachable Machine model on tfjs-backend-cpu takes a few hundred ms a run: at most this many timed runs there. */
const CPU_TM_RUNS = 5;
/** Cold starts are whole processes (about 2 s a pair): this many of each side unless --runs is given (issue 20 asks for at least 7). */
const COLD_START_RUNS = 7;
/** A training step on tfjs-backend-cpu takes seconds: at most this many timed steps there. */
const CPU_TRAINING_RUNS = 5;

const USAGE = `Usage: pnpm bench [--quick] [--task mobilenet|detection|onnxruntime|training|face|gallery|geo-head|teachable-machine|cold-start|all|browser|int8] [--backends cpu,wasm] [--ort-threads 1,2] [--face-student DIR] [--calibration-method minmax|percentile|entropy] [--fashion-classifier DIR] [--runs N] [--warmup N] [--out DIR]

  --quick       MobileNet 1.0-224 batch 1 only and detection on sample1 only, 5 runs each
  --task        mobilenet (ours vs tfjs-layers), detection (ours vs face-api), onnxruntime (our 'onnxruntime' backend vs a
                bare onnxruntime-node session on the same file; detection on it vs face-api on wasm), training (images/s of
                trainClassifier at the documented Fashion-MNIST configuration, synthetic images), face (embedding one face
                crop: the teacher in our IR and the MobileNet student, each vs face-api's computeFaceDescriptor), gallery (load time,
                resident memory and match time per face of ${GALLERY_SIZES.join(' / ')}-reference galleries, binary and JSON
                files, each loaded in a fresh process; quick: the two smaller), geo-head (PlaNet's scale: 1.0 MobileNet-224 with a
                ${PLANET_CELLS}-cell softmax built, trained one step of 8 and run, resident memory at each stage; wasm), teachable-machine
                (a Teachable Machine image export, MobileNet 0.35-224 + Dense 100 + Dense 3, written by tfjs-layers: imported and
                run by us vs tf.loadLayersModel predict on the same files, same tfjs backend and threads; cpu: at most ${CPU_TM_RUNS}
                runs), cold-start (whole processes in turn: \`mobilenet-kit detect sample1.jpg\` against a minimal face-api script,
                tooling/bench/scripts/face-api-detect.cjs, on wasm at 1 and every core, and on our default backend; --help against
                node -e 0; wall time and peak RSS; ${COLD_START_RUNS} runs each unless --runs) or all (every task above, the default);
                browser: MobileNet 1.0-224 b1 and the face detector (sample1) in headless Chromium, first run and
                steady state (not part of all); int8: post-training int8 against fp32 on onnxruntime (MobileNet 1.0-224 latency on
                onnxruntime-node and onnxruntime-web wasm; what the face detector, the embedding student and a Fashion-MNIST classifier
                keep), calibrated on the fixtures' other photos (not part of all)
  --calibration-method  int8's calibration (default minmax)
  --fashion-classifier  a Fashion-MNIST model folder (train fashion-mnist's <out>/model) for int8's agreement figure
  --ort-threads comma-separated intra-op thread counts for the onnxruntime task (default: 1,2)
  --face-student a student model folder (train face-distill's <out>/model) for the face task (default: the documented
                architecture, 1.0 MobileNet-128, initialized from the detector: latency does not depend on the weights)
  --backends    comma-separated Node backends (default: cpu,wasm); for --task browser: ${BROWSER_BACKENDS.join(', ')} (default: webgl,wasm)
  --runs        timed runs of each of A and B (default 20; quick 5); detection on cpu: at most ${CPU_DETECTION_RUNS}; browser: default 10
  --warmup      untimed runs of each before timing (default 2); detection on cpu: 1
  --out         folder for the JSON results (default: bench/results)`;

const NODE_BACKENDS: Record<string, () => void> = { cpu: registerCpuBackend, wasm: () => registerWasmBackend() };

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${value}"`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }> }>>['values'];
  try {
    args = parseArgs({
      options: { quick: { type: 'boolean' }, task: { type: 'string' }, backends: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' }, out: { type: 'string' }, 'ort-threads': { type: 'string' }, 'face-student': { type: 'string' }, 'calibration-method': { type: 'string' }, 'fashion-classifier': { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const quick = Boolean(args.quick);
  const task = String(args.task ?? 'all') as (typeof TASKS)[number];
  if (!TASKS.includes(task)) {
    console.error(`--task must be one of ${TASKS.join(', ')}, got "${task}"`);
    process.exit(2);
  }
  const backends = String(args.backends ?? (task === 'browser' ? 'webgl,wasm' : 'cpu,wasm')).split(',').filter(Boolean);
  for (const b of task === 'browser' ? [] : backends) {
    if (!NODE_BACKENDS[b]) {
      console.error(`--backends: unknown backend "${b}" (Node backends: ${Object.keys(NODE_BACKENDS).join(', ')})`);
      process.exit(2);
    }
    NODE_BACKENDS[b]!();
  }
  if (task === 'browser') {
    const unknown = backends.filter((b) => !(BROWSER_BACKENDS as readonly string[]).includes(b));
    if (unknown.length > 0) {
      console.error(`--backends: unknown browser backend "${unknown[0]}" (browser backends: ${BROWSER_BACKENDS.join(', ')})`);
      process.exit(2);
    }
  }
  const runs = positiveInt('runs', args.runs as string | undefined, quick ? 5 : task === 'browser' ? 10 : 20);
  const warmup = positiveInt('warmup', args.warmup as string | undefined, 2);
  const configs = quick ? QUICK_CONFIGS : FULL_CONFIGS;
  const outDir = path.resolve(String(args.out ?? 'bench/results'));

  // Load averages at the start and at each write: on this 2-core machine another busy process doubles the
  // multi-threaded medians, so every results file says how quiet the machine was.
  const loadAtStart = os.loadavg();
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: os.totalmem() / 2 ** 30, node: process.version, tfjs: tf.version_core, loadAtStart };
  if (loadAtStart[0]! >= 0.5 * os.cpus().length) {
    console.error(`note: the 1-minute load average is ${loadAtStart[0]!.toFixed(2)} on ${os.cpus().length} cores: other processes are busy, medians will be noisy`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const writeReport = (name: string, report: object) => {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${name}-${stamp}.json`);
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ date: new Date().toISOString(), machine: { ...machine, loadAtWrite: os.loadavg() }, ...report }, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  };

  if (task === 'browser') {
    const photo = SAMPLES[0]!;
    const results = await benchInBrowser({ backends, configs: QUICK_CONFIGS, photo, warmup, runs, log: (line) => process.stderr.write(`${line}\n`) });
    console.log('\nIn headless Chromium (WebGL 2 on SwiftShader, a software renderer), each model and backend in a fresh page, ms.');
    console.log('start = the backend starting; compile = compile() without warm-up; first run = the run after it (on webgl: shader');
    console.log(`compilation); steady = median of ${runs} runs after ${warmup} more; warm-up = another fresh page, compile(…, { warmup: true })`);
    console.log('and the first run after it. Face detection: decode excluded, preprocess to NMS included.\n');
    console.log(formatBrowserTable(results));
    const pageErrors = results.flatMap((r) => r.pageErrors.map((e) => `${r.backend} ${r.model}: ${e}`));
    if (pageErrors.length > 0) console.log(`\npage errors:\n${pageErrors.join('\n')}`);
    writeReport('browser', { options: { backends, runs, warmup, photo, configs: QUICK_CONFIGS }, results });
    return;
  }

  if (task === 'int8') {
    const method = String(args['calibration-method'] ?? 'minmax');
    if (!['minmax', 'percentile', 'entropy'].includes(method)) {
      console.error(`--calibration-method must be one of minmax, percentile, entropy, got "${method}"`);
      process.exit(2);
    }
    const threads = String(args['ort-threads'] ?? '1,2').split(',').filter(Boolean).map((t) => positiveInt('ort-threads', t, 1));
    const demoDir = path.join(path.dirname(faceApiModelDir()), 'demo');
    const samples: BenchImage[] = [];
    for (const name of quick ? SAMPLES.slice(0, 1) : SAMPLES) samples.push({ name, image: await decodeImage(path.join(demoDir, name)) });
    const faces = path.resolve('node_modules/.cache/mobilenet-kit/fixtures/faces');
    const report = await benchInt8({
      warmup,
      runs,
      threads,
      method: method as 'minmax',
      samples,
      calibrationDirs: [path.join(faces, 'opencv'), path.join(faces, 'skimage')],
      ...(args['fashion-classifier'] ? { fashionModel: path.resolve(String(args['fashion-classifier'])) } : {}),
      fashionTestImages: quick ? 2000 : 10_000,
      fashionCalibrationImages: 256,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    console.log(`\n${formatInt8Report(report)}\n\n${formatInt8Goals(report)}`);
    writeReport('int8', { options: { quick, runs, warmup, threads, method }, report });
    return;
  }

  const cliBuilt = existsSync(CLI_BIN);
  if (!cliBuilt && (task === 'cold-start' || task === 'all')) {
    console.error(`${task === 'all' ? 'note: skipping cold-start: ' : ''}it times the CLI at ${CLI_BIN}: build it first (pnpm --filter @mobilenet-kit/cli build)`);
    if (task === 'cold-start') process.exit(1);
  }
  if (cliBuilt && (task === 'cold-start' || task === 'all')) {
    const photo = path.join(path.dirname(faceApiModelDir()), 'demo', SAMPLES[0]!);
    const coldRuns = args.runs !== undefined ? runs : quick ? 5 : COLD_START_RUNS;
    const coldWarmup = args.warmup !== undefined ? warmup : 1;
    const results = await benchColdStart(coldStartPairs(photo), { warmup: coldWarmup, runs: coldRuns, log: (line) => process.stderr.write(`${line}\n`) });
    console.log(`\nCold start: whole Node processes, one photo (${SAMPLES[0]}), A and B in turn, ${coldRuns} runs each after ${coldWarmup} warm-up;`);
    console.log("wall = spawn to exit; peak RSS = the process's own getrusage maxrss. A/B below 1: ours is faster / smaller.\n");
    console.log(formatColdStartTable(results));
    console.log(`\n${formatColdStartGoals(results)}`);
    writeReport('cold-start', { options: { runs: coldRuns, warmup: coldWarmup, photo: SAMPLES[0] }, results });
  }

  if (task === 'mobilenet' || task === 'all') {
    const results: MobileNetResult[] = [];
    for (const backend of backends) {
      for (const config of configs) {
        process.stderr.write(`${backend} MobileNet ${configLabel(config)}: ${warmup} warm-up + ${runs} runs each of A and B… `);
        const r = await benchMobileNet(backend, config, { warmup, runs, seed: 1 });
        process.stderr.write(`ours ${r.ours.median.toFixed(1)} ms, tfjs-layers ${r.layers.median.toFixed(1)} ms (${r.ratio.toFixed(2)}×)\n`);
        results.push(r);
      }
    }
    console.log('\nMobileNet v1, median ms. A = ours (compiled IR), B = tfjs-layers model, same weights, alternated in one process.');
    console.log('B/A > 1: ours is faster.\n');
    console.log(formatTable(results));
    writeReport('mobilenet', { options: { quick, runs, warmup, backends }, results });
  }

  if (task === 'detection' || task === 'all') {
    const modelDir = faceApiModelDir();
    const demoDir = path.join(path.dirname(modelDir), 'demo');
    const decoded: BenchImage[] = [];
    for (const name of quick ? SAMPLES.slice(0, 1) : SAMPLES) decoded.push({ name, image: await decodeImage(path.join(demoDir, name)) });
    const results: DetectionResult[] = [];
    const plans: Record<string, { warmup: number; runs: number }> = {};
    for (const backend of backends) {
      const onCpu = backend === 'cpu';
      const plan = onCpu ? { warmup: 1, runs: Math.min(runs, CPU_DETECTION_RUNS) } : { warmup, runs };
      plans[backend] = plan;
      const images = onCpu ? decoded.slice(0, 1) : decoded;
      process.stderr.write(`${backend} face detection on ${images.map((i) => i.name).join(', ')}: ${plan.warmup} warm-up + ${plan.runs} runs each of A and B per image… `);
      const rows = await benchDetection(backend, images, { ...plan, modelDir });
      process.stderr.write(`${rows.map((r) => `${r.image} ${r.ours.median.toFixed(0)}/${r.faceApi.median.toFixed(0)} ms`).join(', ')}\n`);
      results.push(...rows);
    }
    console.log("\nFace detection end to end per photo (decode excluded; preprocess + network + box decoding + NMS included), median ms.");
    console.log("A = ours (face-api's weights on our IR), B = face-api 1.7.15 detectAllFaces (SsdMobilenetv1Options defaults),");
    console.log('same tfjs backend and thread count, same decoded pixels, alternated in one process. B/A > 1: ours is faster.');
    console.log(`Our stages are the detector's own timings; "outside net" = (A − network) / A. On cpu: sample1, at most ${CPU_DETECTION_RUNS} runs.\n`);
    console.log(formatDetectionTable(results));
    console.log(`\n${formatDetectionTargets(results)}`);
    writeReport('detection', { options: { quick, backends, plans, images: decoded.map((d) => d.name) }, results });
  }

  if (task === 'training' || task === 'all') {
    const results: TrainingThroughputResult[] = [];
    for (const backend of backends) {
      const plan = backend === 'cpu' ? { warmup, runs: Math.min(runs, CPU_TRAINING_RUNS) } : { warmup, runs };
      // The documented configuration's threads, and one thread beside it (what data parallelism buys).
      for (const threads of [...new Set([1, TRAINING_BENCH_CONFIG.threads])]) {
        process.stderr.write(`${backend} training, batch ${TRAINING_BENCH_CONFIG.batchSize}, ${threads} thread${threads === 1 ? '' : 's'}: ${plan.warmup} warm-up + ${plan.runs} timed steps… `);
        const r = await benchTrainingThroughput(backend, { ...TRAINING_BENCH_CONFIG, threads }, { ...plan, seed: 1 });
        process.stderr.write(`${r.imagesPerSecond.toFixed(1)} images/s\n`);
        results.push(r);
      }
    }
    console.log('\nTraining throughput: trainClassifier (augmentation, forward, backward, RMSProp, loss read back) at the documented');
    console.log(`Fashion-MNIST configuration, synthetic images; median over the timed steps after warm-up (cpu: at most ${CPU_TRAINING_RUNS}).`);
    console.log('images/CPU-s divides by the process CPU time instead of wall time: on this shared machine, the figure that load moves least.\n');
    console.log(formatTrainingTable(results));
    writeReport('training', { options: { runs, warmup, backends, config: TRAINING_BENCH_CONFIG }, results });
  }

  if (task === 'face' || task === 'all') {
    // The top-left square of sample1 (latency does not depend on the content); decoded once, outside timing.
    const photo = await decodeImage(path.join(path.dirname(faceApiModelDir()), 'demo', SAMPLES[0]!));
    const side = Math.min(photo.width, photo.height, 200);
    const crop = { width: side, height: side, data: new Uint8Array(side * side * 3) };
    for (let y = 0; y < side; y++) crop.data.set(photo.data.subarray((y * photo.width) * 3, (y * photo.width + side) * 3), y * side * 3);
    const results: FaceEmbeddingResult[] = [];
    for (const backend of backends) {
      const plan = backend === 'cpu' ? { warmup: 1, runs: Math.min(runs, 5) } : { warmup, runs };
      process.stderr.write(`${backend} face embedding, ${side}×${side} crop: ${plan.warmup} warm-up + ${plan.runs} runs each of A and B… `);
      const rows = await benchFaceEmbedding(backend, crop, { ...plan, studentDir: args['face-student'] as string | undefined });
      process.stderr.write(`${rows.map((r) => `${r.ours.median.toFixed(1)}/${r.faceApi.median.toFixed(1)} ms`).join(', ')}\n`);
      results.push(...rows);
    }
    console.log("\nFace embedding of one crop, median ms. A = ours (resize, normalization, network), B = face-api 1.7.15");
    console.log('computeFaceDescriptor (its FaceRecognitionNet, 150×150) on the same crop, same tfjs backend, alternated in one process.');
    console.log('B/A > 1: ours is faster. On cpu: at most 5 runs.\n');
    console.log(formatFaceTable(results));
    writeReport('face', { options: { runs, warmup, backends, crop: `${SAMPLES[0]} top-left ${side}×${side}`, student: args['face-student'] ?? 'documented architecture' }, results });
  }

  if (task === 'gallery' || task === 'all') {
    const sizes = quick ? GALLERY_SIZES.slice(0, 2) : GALLERY_SIZES;
    const results = benchGalleries({ sizes, queries: runs, log: (line) => process.stderr.write(`${line}\n`) });
    console.log(`\nFace galleries (${results[0]?.queries ?? runs} queries each; 128-d unit descriptors, 4 per person)\n`);
    console.log(formatGalleryTable(results));
    writeReport('gallery', { options: { sizes, queries: runs }, results });
  }

  if (task === 'teachable-machine' || task === 'all') {
    const results: TeachableMachineResult[] = [];
    for (const backend of backends) {
      const plan = backend === 'cpu' ? { warmup: 1, runs: Math.min(runs, CPU_TM_RUNS) } : { warmup, runs };
      process.stderr.write(`${backend} Teachable Machine image model: ${plan.warmup} warm-up + ${plan.runs} runs each of A and B… `);
      const r = await benchTeachableMachine(backend, plan);
      process.stderr.write(`ours ${r.ours.median.toFixed(2)} ms, tfjs-layers ${r.layers.median.toFixed(2)} ms (${r.ratio.toFixed(2)}×)\n`);
      results.push(r);
    }
    const c = TEACHABLE_MACHINE_CONFIG;
    console.log(`\nTeachable Machine image model (MobileNet v1 ${c.alpha}-${c.resolution} truncated, Dense 100 relu, Dense ${c.classes} softmax), batch ${c.batch}, median ms.`);
    console.log('A = ours (importModelFile of the export, compiled), B = tf.loadLayersModel of the same files, predict; same tfjs backend');
    console.log('and thread count, alternated in one process; both upload the input and read the probabilities back. B/A > 1: ours is faster.\n');
    console.log(formatTeachableMachineTable(results));
    writeReport('teachable-machine', { options: { runs, warmup, backends, config: c }, results });
  }

  if (task === 'geo-head' || task === 'all') {
    const backend = backends.includes('wasm') ? 'wasm' : backends[0]!;
    const results = [await benchGeoHead(backend)];
    console.log(`\nPlaNet-size head (${PLANET_CELLS} cells) on the backbone\n`);
    console.log(formatGeoHeadTable(results));
    writeReport('geo-head', { options: { backend, cells: PLANET_CELLS }, results });
  }

  if (task === 'onnxruntime' || task === 'all') {
    const threadCounts = String(args['ort-threads'] ?? '1,2').split(',').filter(Boolean).map((t) => positiveInt('ort-threads', t, 1));
    const results: OnnxruntimeMobileNetResult[] = [];
    for (const threads of threadCounts) {
      for (const config of configs) {
        process.stderr.write(`onnxruntime ${threads} thread(s) MobileNet ${configLabel(config)}: ${warmup} warm-up + ${runs} runs each… `);
        const r = await benchOnnxruntimeMobileNet(config, { warmup, runs, seed: 1, threads });
        process.stderr.write(`ours ${r.ours.median.toFixed(2)} ms, bare session ${r.bare.median.toFixed(2)} ms (${(100 * r.overhead).toFixed(1)}%)\n`);
        results.push(r);
      }
    }
    console.log("\nMobileNet v1 on 'onnxruntime', median ms. A = our backend (compile → model.run), B = a bare onnxruntime-node");
    console.log('InferenceSession on the same exported bytes and session options, alternated in one process; then the NCHW');
    console.log('and NHWC exports, both bare, alternated.\n');
    console.log(formatOnnxruntimeTable(results));
    console.log(`\n${formatOnnxruntimeTargets(results)}`);
    // face-api runs on tfjs wasm, its fastest Node backend.
    NODE_BACKENDS.wasm!();
    const modelDir = faceApiModelDir();
    const demoDir = path.join(path.dirname(modelDir), 'demo');
    const images: BenchImage[] = [];
    for (const name of quick ? SAMPLES.slice(0, 1) : SAMPLES) images.push({ name, image: await decodeImage(path.join(demoDir, name)) });
    const threads = Math.max(...threadCounts);
    process.stderr.write(`onnxruntime ${threads} thread(s) face detection on ${images.map((i) => i.name).join(', ')}… `);
    const detection = await benchOnnxruntimeDetection(images, { warmup, runs, threads, modelDir });
    process.stderr.write('done\n');
    // tfjs's wasm pool is the one this process started first (every core by default), whatever --ort-threads says.
    const faceApiThreads = getThreadsCount();
    console.log(`\nFace detection end to end per photo, median ms: A = ours on 'onnxruntime' (${threads} thread(s)), B = face-api on tfjs wasm (${faceApiThreads} thread(s)).\n`);
    console.log(formatOnnxruntimeDetectionTable(detection));
    writeReport('onnxruntime', { options: { quick, runs, warmup, threads: threadCounts, faceApiWasmThreads: faceApiThreads }, results, detection });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
