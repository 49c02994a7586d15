import { ensureOutputDir } from '@mobilenet-kit/core/node';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { DetectOptions } from '@mobilenet-kit/detection';
import { DETECT_BACKEND_FLAG, type DetectBackend, startCommandBackend } from '../detect-backends';
import { defineCommand, type FlagSpec } from '../command';
import { ALLOW_SVG_FLAG, DETECT_INT8_FLAGS, booleanFlag, numberFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { FORMAT_FLAG } from '../output-format';
import type { ImageReport } from '../detect-image';
import { describeBackend, renderImageReport, renderTimingsTable } from '../format/detections';
import { UsageError } from '../usage-error';

/** A number from 0 to 1 (a score or an IoU threshold). */
function unitIntervalFlag(valueName: string, description: string, defaultText: string): FlagSpec<number> {
  const base = numberFlag({ valueName, description, allowed: 'a number from 0 to 1', default: defaultText, min: 0 });
  return { ...base, parse: (raw) => { const v = base.parse(raw) as number | undefined; return v !== undefined && v <= 1 ? v : undefined; } };
}

const folderFlag = (valueName: string, description: string, defaultText?: string): FlagSpec<string> => ({
  type: 'string',
  valueName,
  description,
  ...(defaultText !== undefined ? { default: defaultText } : {}),
  parse: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
});

/**
 * face-api's model/ folder: the copy this package depends on first (in a pnpm
 * project the detection package cannot see it), else detection's own search
 * (the working directory's project, then the detection package's).
 */
async function defaultModelDir(): Promise<string> {
  try {
    // import.meta.url is empty in the CJS build: createRequire throws and the search below runs.
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
  } catch {
    return (await import('@mobilenet-kit/detection')).findFaceApiModelDir();
  }
}

export const detectCommand = defineCommand({
  name: 'detect',
  summary: 'find faces in photos with the pretrained SSD MobileNetV1 face detector; boxes drawn on copies',
  description: [
    "Runs face-api's pretrained SSD MobileNetV1 face detector (the weights of @vladmandic/face-api in node_modules,",
    'or --model-dir; nothing is downloaded) on each image and prints its detections: box x, y, width and height in',
    "the image's own pixels, score and label, then which backend ran and the time of each stage (decode, preprocess,",
    'network, box decoding + NMS). --out writes each image with its boxes and scores drawn as <out>/<name>.<ext>',
    "(written atomically, in the input's format: JPEG at quality 90 for JPEG; --format png forces PNG). A file that cannot be read",
    'is reported and skipped; the others are still processed,',
    'and the exit code is then 1.',
    'Without --backend, detect runs on onnxruntime when onnxruntime-node (an optional dependency) loads and starts,',
    'else on wasm; the backend line (and --json\'s backend.default) says which ran and why. A backend named with',
    '--backend that cannot start is an error: it is never replaced by another one.',
  ].join('\n'),
  positionals: [{ name: 'images', description: 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF)', variadic: true }],
  flags: {
    backend: DETECT_BACKEND_FLAG,
    'min-score': unitIntervalFlag('S', 'keep detections scoring above this', '0.5'),
    iou: unitIntervalFlag('T', 'non-max suppression drops a box overlapping a kept one by this IoU or more', '0.5'),
    'max-results': numberFlag({ valueName: 'N', description: 'most detections per image', allowed: 'an integer ≥ 0', default: '100', integer: true, min: 0 }),
    out: folderFlag('DIR', 'write each image with its detections drawn to DIR/<name>.<ext> (see --format)'),
    format: FORMAT_FLAG,
    json: booleanFlag('print { backend (with default: why, when --backend is not given), modelDir, options, images: [{ file, width, height, detections, timings, output } or { file, error }] } as JSON'),
    'model-dir': folderFlag('DIR', "folder holding face-api's ssd_mobilenetv1_model-weights_manifest.json and .bin", 'model/ of the installed @vladmandic/face-api'),
    model: folderFlag('DIR', 'a detector folder (train detector, saveDetector): its graph, anchors, labels, preprocessing and defaults instead of the face detector'),
    'allow-svg': ALLOW_SVG_FLAG,
    'class-agnostic': booleanFlag('one non-max suppression over all classes (one box and label per object)'),
    ...DETECT_INT8_FLAGS,
  },
  examples: [
    'mobilenet-kit detect photo.jpg',
    'mobilenet-kit detect *.jpg --out annotated --min-score 0.3',
    'mobilenet-kit detect photo.jpg --out annotated --format png',
    'mobilenet-kit detect group.png --backend cpu --json',
    'mobilenet-kit detect photo.jpg --backend wasm',
    'mobilenet-kit detect photo.jpg --backend onnxruntime --int8 --calibrate other-photos',
  ],
  async run({ flags, positionals }, io) {
    let options: Required<DetectOptions> = { minScore: flags['min-score'] ?? 0.5, iouThreshold: flags.iou ?? 0.5, maxResults: flags['max-results'] ?? 100, classAgnostic: flags['class-agnostic'] ?? false };
    // The output folder first: a bad --out fails before the model loads.
    const outDir = flags.out !== undefined ? path.resolve(flags.out) : undefined;
    if (outDir !== undefined) {
      try {
        // One level at a time: Node 20's recursive mkdir loops forever under /proc.
        await ensureOutputDir(outDir, '--out');
      } catch (error) {
        io.stderr.write(`mobilenet-kit detect: --out ${flags.out}: cannot create the folder ${outDir} (${(error as Error).message})\n`);
        return EXIT_FAILURE;
      }
    }
    if (flags.calibrate !== undefined && !flags.int8) throw new UsageError('mobilenet-kit detect: --calibrate applies to --int8', 'detect');
    if (flags.int8) {
      if (flags.calibrate === undefined) throw new UsageError('mobilenet-kit detect: --int8 needs calibration photos: --calibrate <folder of images> (other photos than the ones to detect in)', 'detect');
      if (flags.backend !== undefined && flags.backend !== 'onnxruntime') throw new UsageError(`mobilenet-kit detect: --int8 runs on --backend onnxruntime, not ${flags.backend}`, 'detect');
    }
    // The first image decodes (sharp, on libuv's threads) while the backend starts and the detector loads:
    // in a cold one-photo run that overlap is wall time saved. Its failure is reported in turn, as any file's.
    // Loaded here, not at the top: `detect --help` and usage errors load no tfjs or sharp.
    const imageModule = import('../detect-image');
    const firstDecoded = positionals[0] !== undefined ? imageModule.then((m) => m.decodeFile(positionals[0]!, { allowSvg: flags['allow-svg'] === true })) : undefined;
    firstDecoded?.catch(() => undefined);
    // The one backend rule (detect-backends.ts); detect prints its own backend line below, from the loaded model.
    // One image on wasm runs on one thread unless MOBILENET_KIT_WASM_THREADS says otherwise: starting tfjs's
    // threaded build (its worker threads, each instantiating the module) costs more than a second thread saves
    // on one network run (cold `detect sample1.jpg --backend wasm`, medians of 7 pairs: 1.23 s at 1 thread
    // against 1.50 s at 2, peak RSS 209 against 293 MiB). Several images use every core.
    const oneImage = positionals.length === 1 && !flags.int8 && !process.env.MOBILENET_KIT_WASM_THREADS;
    const started = await startCommandBackend(flags.int8 ? 'onnxruntime' : flags.backend, io, { json: true, ...(oneImage ? { wasmThreads: 1 } : {}) });
    const backendName: DetectBackend = started.name;
    // Why the default chose this backend; undefined when --backend named it.
    const defaultReason = started.default ? started.reason : undefined;
    const [{ loadFaceDetector }, { detectFile, outputPaths }] = await Promise.all([import('@mobilenet-kit/detection'), imageModule]);
    const modelDir = path.resolve(flags['model-dir'] ?? (await defaultModelDir()));
    const loadStart = performance.now();
    // Warm-up runs the network once at load on wasm (a fraction of a second), so that the first image's
    // timings are not the slow first run, when there are several images (or calibration photos). With one
    // image it would only run the network twice: the image pays the first run (a cold `detect photo.jpg`
    // is then one network run, as face-api's). On cpu it would cost seconds, so the first image pays it.
    const load = async (backend: string, backendOptions?: Record<string, unknown>, images = positionals.length) => {
      const compileOptions = { warmup: backend !== 'cpu' && images > 1, ...(backendOptions ? { backendOptions } : {}) };
      const folder = flags.model !== undefined ? await (await import('@mobilenet-kit/detection/node')).loadDetector(path.resolve(flags.model), { backend, compileOptions }) : undefined;
      return { folder, detector: folder ?? (await loadFaceDetector({ backend, modelDir, compileOptions })) };
    };
    let int8: Record<string, unknown> | undefined;
    if (flags.int8) {
      const { detectorCalibrationInputs } = await import('../int8-calibration');
      const { batches } = await detectorCalibrationInputs(async (backend) => (await load(backend, undefined, Number.POSITIVE_INFINITY)).detector, flags.calibrate!, 'detect');
      int8 = { int8: { calibration: batches } };
    }
    const { folder, detector } = await load(backendName, int8);
    // A detector folder's own defaults stand where no flag was given.
    if (folder !== undefined) {
      const d = folder.config.defaults;
      options = { minScore: flags['min-score'] ?? d.minScore ?? 0.5, iouThreshold: flags.iou ?? d.iouThreshold ?? 0.5, maxResults: flags['max-results'] ?? d.maxResults ?? 100, classAgnostic: flags['class-agnostic'] ?? d.classAgnostic ?? false };
    }
    const loadMs = performance.now() - loadStart;
    const reports: ImageReport[] = [];
    try {
      const outputs = outDir !== undefined ? outputPaths(positionals, outDir, flags.format) : undefined;
      if (!flags.json) io.stdout.write(`backend: ${describeBackend(detector.backend)}${defaultReason !== undefined ? `; default: ${defaultReason}` : ''}\n${flags.model !== undefined ? `detector: ${path.resolve(flags.model)} (${detector.labels.filter((l) => l !== null).join(', ')})` : `face detector: SSD MobileNetV1 (face-api weights in ${modelDir})`}, loaded in ${loadMs.toFixed(0)} ms\n`);
      for (const [i, file] of positionals.entries()) {
        const report = await detectFile(detector, file, options, outputs?.[i], { allowSvg: flags['allow-svg'] === true }, i === 0 ? firstDecoded : undefined);
        reports.push(report);
        if ('error' in report) io.stderr.write(`mobilenet-kit detect: ${report.error}\n`);
        else if (!flags.json) io.stdout.write(`\n${renderImageReport(report)}`);
      }
    } finally {
      detector.dispose();
    }
    const failed = reports.filter((r) => 'error' in r).length;
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ backend: { ...detector.backend, ...(defaultReason !== undefined ? { default: defaultReason } : {}) }, modelDir, loadMs, options, images: reports }, null, 2)}\n`);
    } else {
      const ok = reports.length - failed;
      const faces = reports.reduce((n, r) => n + ('detections' in r ? r.detections.length : 0), 0);
      if (ok > 0) io.stdout.write(`\n${renderTimingsTable(reports)}\n`);
      io.stdout.write(`\n${ok} of ${reports.length} image${reports.length === 1 ? '' : 's'} processed, ${faces} detection${faces === 1 ? '' : 's'}${failed ? `; ${failed} failed (see above)` : ''}\n`);
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
});
