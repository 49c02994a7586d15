import os from 'node:os';
import { initializeWeights, type MobileNetV1Variant, mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead, type ImageDataset } from '@mobilenet-kit/classification';
import { createThreadWorkers, trainClassifier } from '@mobilenet-kit/classification/training';
import { graphCost } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { summarize, type Timing } from './stats';

/** The model and batch of the documented Fashion-MNIST command (packages/classification/README.md). */
export interface TrainingBenchConfig {
  readonly alpha: number;
  readonly resolution: number;
  readonly variant: MobileNetV1Variant;
  readonly batchSize: number;
  /** Shift and flip augmentation on (the trainer's default) or off (--no-augment). */
  readonly augment: boolean;
  readonly labelSmoothing: number;
  /** Data-parallel threads (--threads): the batch in this many shards, computed at once. */
  readonly threads: number;
}

export interface TrainingThroughputResult {
  readonly backend: string;
  readonly config: TrainingBenchConfig;
  readonly multAdds: number;
  readonly params: number;
  /** Wall time per training step (augmentation, forward, backward, optimizer, loss read back), after the warm-up steps. */
  readonly step: Timing;
  /** batch size / median step time. */
  readonly imagesPerSecond: number;
  /** Process CPU time per step (median), and batch size / that: what the step costs whatever the load. */
  readonly cpuMsPerStep: number;
  readonly imagesPerCpuSecond: number;
  readonly warmupSteps: number;
  readonly loadAtStart: number[];
  readonly loadAtEnd: number[];
}

/** Random 28×28 gray images with 10 labels: throughput does not depend on the pixels, and no dataset is needed. */
function syntheticFashionMnist(count: number, seed: number): ImageDataset {
  let s = seed >>> 0 || 1;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  const pixels = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = next();
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  return { count, height: 28, width: 28, channels: 1, pixels, labels, classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`) };
}

/**
 * Training throughput on one tfjs backend: `trainClassifier` (the same code
 * path as `mobilenet-kit train`) for warm-up + timed steps of one epoch on
 * synthetic images, timing each step from one onBatch call to the next.
 */
export async function benchTrainingThroughput(
  backend: string,
  config: TrainingBenchConfig,
  options: { warmup: number; runs: number; seed: number; /** The worker threads' setup module; default: the built one beside this bundle. */ workerSetupModule?: URL },
): Promise<TrainingThroughputResult> {
  const steps = options.warmup + options.runs + 1;
  const train = syntheticFashionMnist(steps * config.batchSize, options.seed);
  const head = classifierHead(mobilenetV1({ alpha: config.alpha, resolution: config.resolution, includeTop: false, variant: config.variant }), {
    classes: 10,
    labels: train.classNames,
    dropout: 1e-3,
    preprocessing: { grayscale: true, contentSize: 28 },
  });
  const cost = graphCost(head.graph).totals;
  const wall: number[] = [];
  const cpu: number[] = [];
  let last: { wall: number; cpu: NodeJS.CpuUsage } | undefined;
  const loadAtStart = os.loadavg();
  await trainClassifier({
    graph: head.graph,
    weights: initializeWeights(head.graph, { seed: options.seed }),
    metadata: head.metadata,
    train,
    tf,
    tfl,
    tfBackend: backend,
    config: {
      epochs: 1,
      batchSize: config.batchSize,
      validationFraction: 0,
      seed: options.seed,
      labelSmoothing: config.labelSmoothing,
      shards: config.threads,
      ...(config.augment ? {} : { augment: { pad: 0, flip: false } }),
    },
    workers: config.threads > 1 ? createThreadWorkers({ threads: config.threads - 1, setupModule: options.workerSetupModule ?? new URL('./training-worker-setup.js', import.meta.url) }) : undefined,
    onBatch: (p) => {
      const now = { wall: performance.now(), cpu: process.cpuUsage() };
      // Step b's time is from the end of step b − 1; the first `warmup` steps are not counted.
      if (last && p.batch > options.warmup + 1) {
        wall.push(now.wall - last.wall);
        cpu.push((now.cpu.user + now.cpu.system - last.cpu.user - last.cpu.system) / 1000);
      }
      last = now;
    },
  });
  const step = summarize(wall);
  const cpuMsPerStep = summarize(cpu).median;
  return {
    backend,
    config,
    multAdds: cost.multAdds,
    params: cost.params,
    step,
    imagesPerSecond: (1000 * config.batchSize) / step.median,
    cpuMsPerStep,
    imagesPerCpuSecond: (1000 * config.batchSize) / cpuMsPerStep,
    warmupSteps: options.warmup,
    loadAtStart,
    loadAtEnd: os.loadavg(),
  };
}

export function formatTrainingTable(results: readonly TrainingThroughputResult[]): string {
  const rows = [['backend', 'model', 'batch', 'threads', 'steps', 'median step ms', 'images/s', 'CPU ms/step', 'images/CPU-s', 'load (1 min)']];
  for (const r of results) {
    const c = r.config;
    rows.push([
      r.backend,
      `${c.variant === 'standard' ? '' : `${c.variant} `}${c.alpha} MobileNet-${c.resolution} (${(r.multAdds / 1e6).toFixed(2)}M mult-adds)`,
      String(c.batchSize),
      String(c.threads),
      String(r.step.runs),
      r.step.median.toFixed(0),
      r.imagesPerSecond.toFixed(1),
      r.cpuMsPerStep.toFixed(0),
      r.imagesPerCpuSecond.toFixed(1),
      `${r.loadAtStart[0]!.toFixed(2)} → ${r.loadAtEnd[0]!.toFixed(2)}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The documented command's model and batch (packages/classification/README.md, "Fashion-MNIST: what was measured"). */
export const TRAINING_BENCH_CONFIG: TrainingBenchConfig = { alpha: 0.5, resolution: 32, variant: 'shallow', batchSize: 64, augment: false, labelSmoothing: 0.1, threads: 2 };
