import path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { decodeImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { benchDetection, type DetectionResult } from '../src/bench-detection';
import { faceApiModelDir, faceApiOnTfjs } from '../src/face-api-on-tfjs';
import { formatDetectionTable, formatDetectionTargets } from '../src/report-detection';

const t = (median: number) => ({ runs: 3, median, min: median - 1, p90: median + 1 });

function row(backend: string, image: string, ours: number, faceApi: number, network: number, faces = { ours: 3, faceApi: 3 }): DetectionResult {
  return {
    backend, backendInfo: { name: backend }, image, width: 1920, height: 1280, faces, ours: t(ours), faceApi: t(faceApi), ratio: faceApi / ours,
    stages: { preprocess: t(5), network: t(network), postprocess: t(2) }, outsideNetworkShare: (ours - network) / ours, leakedTensors: 0, peakRssMiB: 400,
  };
}

describe('detection report', () => {
  it('prints one row per backend and image: medians, B/A, our stages and the share outside the network', () => {
    const text = formatDetectionTable([row('wasm', 'sample1.jpg', 200, 254, 190)]);
    expect(text).toMatch(/wasm\s+sample1\.jpg\s+3\/3\s+200\.0\s+254\.0\s+1\.27×\s+5\.0\s+190\.0\s+2\.0\s+5\.0%\s+0\s+3/);
  });

  it("checks issue 4's targets per backend: ≥ 1.25× on wasm, ≥ 1× on cpu, under 10% outside the network", () => {
    const met = formatDetectionTargets([row('wasm', 'sample1.jpg', 200, 254, 190), row('wasm', 'sample2.jpg', 190, 250, 180), row('cpu', 'sample1.jpg', 7000, 7600, 6900)]);
    expect(met.split('\n')).toEqual([
      'wasm: face-api/ours 1.27×–1.32× (target ≥ 1.25×: met); outside the network at most 5.3% of our total (target < 10.0%: met); same face counts',
      'cpu: face-api/ours 1.09× (target ≥ 1.00×: met); outside the network at most 1.4% of our total (target < 10.0%: met); same face counts',
    ]);
    const missed = formatDetectionTargets([row('wasm', 'sample1.jpg', 240, 254, 200, { ours: 2, faceApi: 3 })]);
    expect(missed).toBe('wasm: face-api/ours 1.06× (target ≥ 1.25×: not met); outside the network at most 16.7% of our total (target < 10.0%: not met); FACE COUNTS DIFFER');
  });
});

describe('benchDetection on wasm (one run, timings not asserted)', () => {
  it('face-api refuses to load before a tfjs backend is active', async () => {
    await expect(faceApiOnTfjs()).rejects.toThrow(/start a tfjs backend first/);
  });

  it('runs ours and face-api on the same tfjs engine and backend, finds the same faces, leaks no tensors', async () => {
    registerWasmBackend();
    const image = await decodeImage(path.join(path.dirname(faceApiModelDir()), 'demo', 'sample1.jpg'));
    const [r] = await benchDetection('wasm', [{ name: 'sample1.jpg', image }], { warmup: 1, runs: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(r!.backendInfo).toMatchObject({ name: 'wasm', tfjsBackend: 'wasm' });
    expect(r!.backendInfo.threads).toEqual(expect.any(Number));
    expect(r!.faces).toEqual({ ours: 3, faceApi: 3 });
    expect([r!.ours.runs, r!.faceApi.runs, r!.stages.network.runs]).toEqual([1, 1, 1]);
    expect(r!.stages.network.median).toBeLessThan(r!.ours.median);
    expect(r!.outsideNetworkShare).toBeGreaterThan(0);
    expect(r!.outsideNetworkShare).toBeLessThan(1);
    expect(r!.leakedTensors).toBe(0);
  });
});
