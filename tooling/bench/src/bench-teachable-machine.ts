import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { importModelFile } from '@mobilenet-kit/convert/node';
import { compile } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
// The convert package's Teachable Machine fixture (what its import tests check against tfjs-layers' predict).
import { loadLayersModelFromDir, saveLayersModel, teachableMachineModel } from '../../../packages/convert/tests/fixtures';
import { oursAgainstLayers } from './bench-mobilenet';
import { benchInput } from './configs';
import { PeakMemory } from './memory';
import type { Timing } from './stats';

/** Teachable Machine's image model: MobileNet v1 α 0.35 at 224 (truncated at conv_pw_13), Dense(100, relu), Dense(N, softmax). */
export const TEACHABLE_MACHINE_CONFIG = { alpha: 0.35, resolution: 224, classes: 3, batch: 1 } as const;

export interface TeachableMachineResult {
  readonly backend: string;
  /** What actually ran, as our compiled model reports it (threads included). */
  readonly backendInfo: Readonly<Record<string, string | number | boolean>>;
  readonly config: typeof TEACHABLE_MACHINE_CONFIG;
  /** A: the imported model, compiled by us. */
  readonly ours: Timing;
  /** B: tfjs-layers' loadLayersModel of the same files, predict. */
  readonly layers: Timing;
  /** B median / A median: above 1 means ours is faster. */
  readonly ratio: number;
  /** Largest difference between the two models' class probabilities on the bench input. */
  readonly maxAbsDiff: number;
  readonly importMs: number;
  readonly compileMs: number;
  readonly peakRssMiB: number;
}

/**
 * A Teachable-Machine-shaped image export (model.json, weights.bin and
 * metadata.json written by tfjs-layers' own save handler), imported with
 * `importModelFile` and compiled on `backend` (A), against the same files
 * loaded by `tf.loadLayersModel` and run with `predict` on the same tfjs
 * backend instance and thread count (B), alternated in this process.
 */
export async function benchTeachableMachine(backend: string, options: { readonly warmup: number; readonly runs: number }): Promise<TeachableMachineResult> {
  const c = TEACHABLE_MACHINE_CONFIG;
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-teachable-machine-'));
  try {
    // Written on tfjs's cpu backend (the fixture's), like any export: the file does not depend on it.
    await tf.setBackend('cpu');
    const written = teachableMachineModel(c.alpha, c.resolution, c.classes);
    await saveLayersModel(written, dir);
    written.dispose();
    await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ tfjsVersion: tf.version_core, packageName: '@teachablemachine/image', labels: ['a', 'b', 'c'], imageSize: c.resolution }));

    const memory = new PeakMemory();
    memory.reset();
    let t0 = performance.now();
    const imported = await importModelFile(dir);
    const importMs = performance.now() - t0;
    t0 = performance.now();
    const model = await compile(imported.graph, imported.weights, { backend });
    const compileMs = performance.now() - t0;
    if (!(await tf.setBackend(String(model.backend.tfjsBackend ?? backend)))) throw new Error(`tfjs backend for "${backend}" did not start`);
    const peer = await loadLayersModelFromDir(dir);

    const input = benchInput(c);
    const ours = (await model.run({ [model.inputs[0]!.name]: input }))[imported.metadata.output as string]!.data;
    const x = tf.tensor(input.data, input.shape);
    const y = peer.predict(x) as tf.Tensor;
    const theirs = await y.data();
    tf.dispose([x, y]);
    let maxAbsDiff = 0;
    for (let i = 0; i < theirs.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(theirs[i]! - ours[i]!));

    const { a, b } = await oursAgainstLayers(model, peer, input, { warmup: options.warmup, runs: options.runs, memory });
    const backendInfo = { ...model.backend };
    model.dispose();
    peer.dispose();
    return { backend, backendInfo, config: c, ours: a, layers: b, ratio: b.median / a.median, maxAbsDiff, importMs, compileMs, peakRssMiB: memory.peakMiB };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One row per backend: medians, the ratio, the thread count, and the agreement of the two models. */
export function formatTeachableMachineTable(results: readonly TeachableMachineResult[]): string {
  const head = ['backend', 'threads', 'ours ms', 'layers ms', 'B/A', 'max |Δ| probs', 'import ms', 'compile ms', 'runs'];
  const rows = results.map((r) => [
    r.backend,
    String(r.backendInfo.threads ?? '-'),
    r.ours.median.toFixed(2),
    r.layers.median.toFixed(2),
    `${r.ratio.toFixed(2)}×`,
    r.maxAbsDiff.toExponential(1),
    r.importMs.toFixed(0),
    r.compileMs.toFixed(0),
    String(r.ours.runs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i >= 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
