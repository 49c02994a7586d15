import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import type { WeightTensor } from '@mobilenet-kit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDetector, FACE_API_SSD_ANCHORS, generateSsdAnchors, importFaceApiSsdWeights, loadFaceDetector, ssdFeatureMapSizes, ssdHead } from '../src/index';
import { loadDetector, readDetectorFolder, saveDetector } from '../src/node/index';
import { BIN_FILE, decodeWithSharp, readManifest, samplePath } from './helpers';

beforeAll(() => {
  registerWasmBackend();
  registerCpuBackend();
});

describe('detector folders', () => {
  it("holds face-api's detector: saved with its anchor generator, labels and preprocessing, loaded back, the same faces as loadFaceDetector on wasm", async () => {
    const bin = new Uint8Array(await readFile(BIN_FILE));
    const imported = await importFaceApiSsdWeights(readManifest(), async () => bin);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'det-')), 'face-ssd');
    await saveDetector(dir, {
      graph: imported.graph,
      weights: imported.weights,
      config: { labels: ['face', null], anchorGenerator: { type: 'ssd', options: FACE_API_SSD_ANCHORS }, preprocessing: { resize: 'padBottomRight', normalize: 'minusOneToOne' }, defaults: { minScore: 0.5, iouThreshold: 0.5 } },
    });
    const folder = await readDetectorFolder(dir);
    expect(folder.config.labels).toEqual(['face', null]);
    expect(folder.config.anchorGenerator.options.ordering).toBe('2017');
    const fromFolder = await loadDetector(dir, { backend: 'wasm' });
    const reference = await loadFaceDetector({ backend: 'wasm' });
    const image = await decodeWithSharp(samplePath(1));
    const a = await fromFolder.detect(image);
    const b = await reference.detect(image);
    expect(fromFolder.backend.name).toBe('wasm');
    expect(a.length).toBe(3);
    expect(a.map((d) => d.label)).toEqual(b.map((d) => d.label));
    a.forEach((d, i) => {
      // The folder regenerates the anchors; face-api stores them (max difference 1.2e-7 of the input).
      expect(Math.abs(d.score - b[i]!.score)).toBeLessThan(1e-4);
      for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(d.box[k] - b[i]!.box[k])).toBeLessThan(0.01);
    });
    fromFolder.dispose();
    reference.dispose();
  });

  it('refuses an anchor generator that does not fit the graph, naming the counts', async () => {
    const graph = ssdHead(mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }), { numClasses: 1, extraLayers: [8, 8, 8, 8].map((b) => ({ bottleneck: b, depth: 2 * b })) });
    const weights = initializeWeights(graph, { seed: 1 });
    await expect(saveDetector(path.join(mkdtempSync(path.join(tmpdir(), 'det-')), 'm'), { graph, weights, config: { labels: ['x'], anchorGenerator: { type: 'ssd', options: { aspectRatios: [1] } } } })).rejects.toThrow(/anchors/);
  });

  it('class-agnostic NMS gives one box per object where per-class NMS gives one per class', async () => {
    const graph = ssdHead(mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }), { numClasses: 2, extraLayers: [8, 8, 8, 8].map((b) => ({ bottleneck: b, depth: 2 * b })) });
    const weights = new Map(initializeWeights(graph, { seed: 2 }));
    // Every anchor scores sigmoid(2) for class 1 and sigmoid(1) for class 2, whatever the image.
    for (const [name, w] of weights) {
      if (/\/class\/kernel$/.test(name)) weights.set(name, { shape: w.shape, data: new Float32Array(w.data.length) } as WeightTensor);
      if (/\/class\/bias$/.test(name)) weights.set(name, { shape: w.shape, data: Float32Array.from({ length: w.data.length }, (_, i) => [-5, 2, 1][i % 3]!) } as WeightTensor);
    }
    const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph));
    const detector = await createDetector(graph, weights, { backend: 'cpu', anchors, labels: ['a', 'b'], defaults: { minScore: 0.5, iouThreshold: 0.3 } });
    const image = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) };
    const perClass = await detector.detect(image);
    const agnostic = await detector.detect(image, { classAgnostic: true });
    const as = perClass.filter((d) => d.label === 'a');
    expect(perClass.filter((d) => d.label === 'b').length).toBe(as.length);
    expect(agnostic.length).toBe(as.length);
    expect(agnostic.every((d) => d.label === 'a' && d.classIndex === 1)).toBe(true);
    expect(agnostic.map((d) => d.box)).toEqual(as.map((d) => d.box));
    detector.dispose();
  });
});
