/**
 * What `train fashion-mnist` and `train classifier` share around the one
 * training loop (trainClassifier): the checkpoint folder rules (--resume,
 * --force), the worker threads' setup module, the progress and per-epoch
 * lines, and the run's outputs (model folder, report.json, curves.png,
 * confusion.png).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ConfusionMatrix, confusionMatrixSvg, trainingCurvesSvg } from '@mobilenet-kit/classification';
import { checkpointExists, type TrainClassifierOptions, type TrainConfig, type TrainResult } from '@mobilenet-kit/classification/training';
import { checkOutputDir, saveModel } from '@mobilenet-kit/core/node';
import { rasterizeSvg, writeImage } from '@mobilenet-kit/image';
import { formatDuration, ProgressBar } from './classification-support';
import { formatPercent } from './format/numbers';
import type { CliIo } from './io';
import { UsageError } from './usage-error';

/** The built setup module of the training worker threads, beside this bundle (dist/bin.js or dist/index.cjs). */
export function workerSetupModule(): URL {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
  return new URL(here.pathname.endsWith('.cjs') ? './training-worker-setup.cjs' : './training-worker-setup.js', here);
}

/** The recipe flags both training commands share, as trainer settings; flags not given are left out (the trainer's defaults, or a resumed checkpoint's, apply). */
export function recipeFromFlags(flags: {
  readonly 'warmup-epochs'?: number;
  readonly 'decay-rate'?: number;
  readonly 'decay-epochs'?: number;
  readonly 'no-augment'?: boolean;
  readonly 'label-smoothing'?: number;
}): Partial<TrainConfig> {
  return {
    ...(flags['warmup-epochs'] !== undefined ? { warmupEpochs: flags['warmup-epochs'] } : {}),
    ...(flags['decay-rate'] !== undefined ? { decayRate: flags['decay-rate'] } : {}),
    ...(flags['decay-epochs'] !== undefined ? { decayEpochs: flags['decay-epochs'] } : {}),
    ...(flags['no-augment'] ? { augment: { pad: 0, flip: false } } : {}),
    ...(flags['label-smoothing'] !== undefined ? { labelSmoothing: flags['label-smoothing'] } : {}),
  };
}

/**
 * `<out>/checkpoint`, after the rules: --resume with --force is a usage
 * error; a checkpoint without --resume is refused unless --force (then
 * removed); --resume without one starts a new run and says so.
 */
export async function prepareCheckpointDir(out: string, flags: { resume?: boolean; force?: boolean }, command: string, io: CliIo): Promise<string> {
  const checkpointDir = path.join(out, 'checkpoint');
  if (flags.resume && flags.force) throw new UsageError(`mobilenet-kit ${command}: --resume and --force contradict each other (continue, or start over)`, command);
  // Before any work, leaving nothing behind: an --out that cannot be a folder (under /proc, inside a regular file,
  // read-only) is an error naming --out here, not a hang (Node 20's recursive mkdir under /proc) or a bare ENOTDIR after training.
  await checkOutputDir(out, '--out');
  const hasCheckpoint = await checkpointExists(checkpointDir);
  if (flags.resume && !hasCheckpoint) io.stdout.write(`no checkpoint in ${checkpointDir}: --resume starts a new run\n`);
  if (hasCheckpoint && !flags.resume) {
    if (!flags.force) throw new UsageError(`mobilenet-kit ${command}: ${checkpointDir} holds a checkpoint; pass --resume to continue it, --force to start over, or choose another --out`, command);
    await rm(checkpointDir, { recursive: true, force: true });
  }
  return checkpointDir;
}

/**
 * The trainer's callbacks that print: the start line (`training <graph> on
 * <what>, 10 epochs, batch 64 in 2 shards on 2 threads, backend wasm`), a
 * progress bar on a terminal and one line per epoch.
 */
export function trainingProgress(
  io: CliIo,
  start: { graphName: string; data: (validationFraction: number) => string; threads: number; backend: string },
): Pick<TrainClassifierOptions, 'onStart' | 'onBatch' | 'onEpoch'> & { done(): void } {
  const bar = new ProgressBar(io.stderr as { write(s: string): unknown; isTTY?: boolean });
  return {
    onStart: ({ startEpoch, config: c, resumed }) => {
      const what = resumed ? `resuming after epoch ${startEpoch} of ${c.epochs}` : `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`;
      const running = Math.min(c.shards, start.threads);
      const parallel = c.shards > 1 ? ` in ${c.shards} shards on ${running} thread${running === 1 ? '' : 's'}` : '';
      io.stdout.write(`training ${start.graphName} on ${start.data(c.validationFraction)}, ${what}, batch ${c.batchSize}${parallel}, backend ${start.backend}\n`);
    },
    onBatch: (p) => bar.update(p),
    onEpoch: (e) => {
      bar.clear();
      io.stdout.write(
        `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}  acc ${formatPercent(100 * e.accuracy, 2)}  val loss ${e.valLoss.toFixed(4)}  val acc ${formatPercent(100 * e.valAccuracy, 2)}  lr ${e.learningRate.toPrecision(3)}  ${e.samplesPerSecond.toFixed(0)} img/s  ${formatDuration(e.seconds)}\n`,
      );
    },
    done: () => bar.clear(),
  };
}

/**
 * Writes a finished run: `<out>/model` (the model folder, with `training`
 * provenance in its metadata), `report.json` (atomically: a temporary file
 * renamed over the old one), `curves.png` and `confusion.png` (SVG charts
 * rasterised by sharp).
 */
export async function writeTrainingRun(
  out: string,
  result: TrainResult,
  outputs: { readonly training: Record<string, unknown>; readonly report: Record<string, unknown>; readonly confusion: ConfusionMatrix },
): Promise<void> {
  await saveModel(path.join(out, 'model'), result.graph, result.weights, { metadata: { ...result.metadata, training: outputs.training } });
  const reportFile = path.join(out, 'report.json');
  await writeFile(`${reportFile}.${process.pid}.tmp`, `${JSON.stringify(outputs.report, null, 1)}\n`);
  await rename(`${reportFile}.${process.pid}.tmp`, reportFile);
  await writeImage(path.join(out, 'curves.png'), await rasterizeSvg(trainingCurvesSvg(result.history)));
  await writeImage(path.join(out, 'confusion.png'), await rasterizeSvg(confusionMatrixSvg(outputs.confusion, result.metadata.labels)));
}
