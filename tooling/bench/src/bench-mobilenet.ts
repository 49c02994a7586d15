import { performance } from 'node:perf_hooks';
import { mobilenetV1, initializeWeights } from '@mobilenet-kit/backbone';
import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import { type CompiledModel, compile, graphCost } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type AbOptions, alternateAB } from './ab-runner';
import { type BenchConfig, benchInput, configLabel } from './configs';
import { PeakMemory } from './memory';
import type { Timing } from './stats';

export interface MobileNetResult {
  readonly backend: string;
  /** What actually ran, as our compiled model reports it. */
  readonly backendInfo: Readonly<Record<string, string | number | boolean>>;
  readonly config: BenchConfig;
  readonly label: string;
  readonly multAdds: number;
  /** A: our compiled graph (passes + per-backend lowering). */
  readonly ours: Timing;
  /** B: the same network as a tfjs-layers model holding the same weights. */
  readonly layers: Timing;
  /** B median / A median: above 1 means ours is faster. */
  readonly ratio: number;
  /** 2 · mult-adds · batch per second of the median run. */
  readonly oursGflops: number;
  readonly layersGflops: number;
  readonly compileMs: number;
  readonly layersBuildMs: number;
  /** Bytes tfjs holds for our compiled model (its uploaded weights). */
  readonly weightBytes: number;
  readonly peakRssMiB: number;
}

export interface MobileNetBenchOptions {
  readonly warmup: number;
  readonly runs: number;
  readonly seed: number;
}

/**
 * Times our compiled model (A) against a tfjs-layers model (B) on the same
 * input, alternated; both upload the input and read every output back to
 * the host, as an application would. Call it with tfjs on the backend our
 * model runs on (`model.backend.tfjsBackend`), so that both use the same
 * tfjs backend instance and thread count.
 */
export async function oursAgainstLayers(model: CompiledModel, peer: tfl.LayersModel, input: { shape: number[]; data: Float32Array }, options: AbOptions): Promise<{ a: Timing; b: Timing }> {
  const inputName = model.inputs[0]!.name;
  const { shape, data } = input;
  const runOurs = async () => {
    await model.run({ [inputName]: { shape, data } });
  };
  const runLayers = async () => {
    const x = tf.tensor(data, shape);
    const y = peer.predict(x);
    const ys = Array.isArray(y) ? y : [y];
    await Promise.all(ys.map((t) => t.data()));
    tf.dispose([x, ...ys]);
  };
  return alternateAB(runOurs, runLayers, options);
}

/**
 * Benchmarks MobileNet v1 at one configuration on one backend: our compiled
 * graph (A) against a tfjs-layers model with the same weights (B), alternated
 * in this process. Both include uploading the input and reading every output
 * back to the host, as an application would.
 */
export async function benchMobileNet(backend: string, config: BenchConfig, options: MobileNetBenchOptions): Promise<MobileNetResult> {
  const graph = mobilenetV1({ alpha: config.alpha, resolution: config.resolution });
  const weights = initializeWeights(graph, { seed: options.seed });
  const multAdds = graphCost(graph).totals.multAdds;
  const memory = new PeakMemory();
  memory.reset();

  let t0 = performance.now();
  const model = await compile(graph, weights, { backend });
  const compileMs = performance.now() - t0;
  // tfjs's engine exists only once compile() has started the backend.
  const bytesWithModel = tf.memory().numBytes;
  if (!(await tf.setBackend(String(model.backend.tfjsBackend ?? backend)))) throw new Error(`tfjs backend for "${backend}" did not start`);

  t0 = performance.now();
  const peer = toLayersModel(graph, weights, tf, tfl).model;
  const layersBuildMs = performance.now() - t0;

  const { a, b } = await oursAgainstLayers(model, peer, benchInput(config), { warmup: options.warmup, runs: options.runs, memory });
  model.dispose();
  peer.dispose();
  const weightBytes = bytesWithModel - tf.memory().numBytes;
  const gflops = (ms: number) => (2 * multAdds * config.batch) / (ms / 1000) / 1e9;
  return {
    backend,
    backendInfo: { ...model.backend },
    config,
    label: configLabel(config),
    multAdds,
    ours: a,
    layers: b,
    ratio: b.median / a.median,
    oursGflops: gflops(a.median),
    layersGflops: gflops(b.median),
    compileMs,
    layersBuildMs,
    weightBytes,
    peakRssMiB: memory.peakMiB,
  };
}
