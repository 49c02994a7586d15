import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Detector, createDetector, generateSsdAnchors, loadFaceDetector, ssdFeatureMapSizes, ssdHead } from '../src';
import { type Rgb, decodeWithSharp, samplePath } from './helpers';

describe('face detector on wasm', () => {
  let detector: Detector;
  let sample1: Rgb;
  let sample2: Rgb;
  beforeAll(async () => {
    registerWasmBackend();
    detector = await loadFaceDetector({ backend: 'wasm' });
    sample1 = await decodeWithSharp(samplePath(1));
    sample2 = await decodeWithSharp(samplePath(2));
  });
  afterAll(() => detector?.dispose());

  it('says which backend ran', async () => {
    expect(detector.backend).toMatchObject({ name: 'wasm', tfjsBackend: 'wasm' });
    const run = await detector.run([sample1]);
    expect(run.backend.name).toBe('wasm');
    expect(run.timings.network).toBeGreaterThan(0);
    expect(detector.inputSize).toEqual([512, 512]);
  });

  it('a batch returns results for every image, equal to one image at a time', async () => {
    const [one, two] = await detector.detect([sample1, sample2]);
    const single1 = await detector.detect(sample1);
    const single2 = await detector.detect(sample2);
    expect(one!.length).toBe(3);
    expect(two!.length).toBe(3);
    for (const [batch, single] of [
      [one!, single1],
      [two!, single2],
    ] as const) {
      expect(batch.length).toBe(single.length);
      batch.forEach((d, i) => {
        expect(d.score).toBeCloseTo(single[i]!.score, 4);
        expect(d.box.x).toBeCloseTo(single[i]!.box.x, 1);
      });
    }
  });

  it('boxes are in original-image pixels, inside the image, sorted by score', async () => {
    const faces = await detector.detect(sample1);
    for (const f of faces) {
      expect(f.box.x).toBeGreaterThanOrEqual(0);
      expect(f.box.y).toBeGreaterThanOrEqual(0);
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(sample1.width);
      expect(f.box.y + f.box.height).toBeLessThanOrEqual(sample1.height);
      expect(f.box.width).toBeGreaterThan(100); // faces in the 1920-wide photo are ~180 px wide
    }
    expect(faces.map((f) => f.score)).toEqual([...faces.map((f) => f.score)].sort((a, b) => b - a));
  });

  it('minScore, iouThreshold and maxResults act separately', async () => {
    const all = await detector.detect(sample1, { minScore: 0.01, iouThreshold: 0.5, maxResults: 1000 });
    expect(all.length).toBeGreaterThan(3);
    expect((await detector.detect(sample1, { minScore: 0.01, maxResults: 2 })).length).toBe(2);
    const looser = await detector.detect(sample1, { minScore: 0.01, iouThreshold: 0.9, maxResults: 1000 });
    expect(looser.length).toBeGreaterThan(all.length);
    expect((await detector.detect(sample1, { minScore: 0.999 })).length).toBe(0);
  });

  it('leaks no tensors', async () => {
    await detector.detect(sample1);
    const before = tf.memory().numTensors;
    await detector.detect([sample1, sample2]);
    await detector.detect(sample1, { minScore: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and inputs with the option and the value', async () => {
    await expect(detector.detect(sample1, { minScore: 2 })).rejects.toThrow(/option "minScore" = 2 is not allowed; expected a number in \[0, 1\]/);
    await expect(detector.detect(sample1, { maxResults: 1.5 })).rejects.toThrow(/"maxResults" = 1.5/);
    await expect(detector.detect(sample1, { iou: 0.3 } as never)).rejects.toThrow(/unknown option/);
    await expect(detector.detect([])).rejects.toThrow(/non-empty array/);
    await expect(detector.detect(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow();
  });

  it('bad images: a clear error or a correct result, no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    const { readFileSync } = await import('node:fs');
    const jpeg = readFileSync(samplePath(1));
    await expect(detector.detect(new Uint8Array(jpeg.subarray(0, 2000)))).rejects.toThrow();
    await expect(detector.detect(new TextEncoder().encode('not an image at all'))).rejects.toThrow();
    await expect(detector.detect({ width: 0, height: 0, data: new Uint8Array(0) })).rejects.toThrow();
    // A 1×1 image is padded and resized like any other: no face, no error.
    expect(await detector.detect({ width: 1, height: 1, data: new Uint8Array([200, 150, 120]) })).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposing frees the compiled model; detect afterwards says so', async () => {
    const other = await loadFaceDetector({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    other.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    await expect(other.detect(sample1)).rejects.toThrow(/disposed/);
  });
});

describe('createDetector on any SSD graph', () => {
  beforeAll(() => registerCpuBackend());

  it('runs a small random-weight SSD with softmax scores and several labels on cpu', async () => {
    const graph = ssdHead(mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }), { numClasses: 3 });
    const weights = initializeWeights(graph, { seed: 1 });
    const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph));
    const detector = await createDetector(graph, weights, { backend: 'cpu', anchors, labels: ['a', null, 'c'], scoreConversion: 'softmax', resize: 'letterbox' });
    const image = { width: 40, height: 20, data: new Uint8Array(40 * 20 * 3).map((_, i) => (i * 37) % 256) };
    const found = await detector.detect(image, { minScore: 0, maxResults: 5 });
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(5);
    expect(new Set(found.map((d) => d.label)).has('b' as never)).toBe(false);
    for (const d of found) {
      expect(['a', 'c']).toContain(d.label);
      expect(d.classIndex === 1 || d.classIndex === 3).toBe(true);
      expect(d.box.x + d.box.width).toBeLessThanOrEqual(40 + 1e-9);
      expect(d.box.y + d.box.height).toBeLessThanOrEqual(20 + 1e-9);
    }
    detector.dispose();
  });

  it('checks anchors, labels and graph outputs before compiling', async () => {
    const graph = ssdHead(mobilenetV1({ alpha: 0.25, resolution: 128, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }), { numClasses: 1 });
    const weights = initializeWeights(graph, { seed: 1 });
    const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph));
    await expect(createDetector(graph, weights, { backend: 'cpu', anchors: anchors.subarray(4), labels: ['x'] })).rejects.toThrow(/option "anchors".*expected a Float32Array of \d+·4 values/);
    await expect(createDetector(graph, weights, { backend: 'cpu', anchors, labels: ['x', 'y'] })).rejects.toThrow(/expected 1…1 labels/);
    await expect(createDetector(mobilenetV1({ resolution: 128 }), weights, { backend: 'cpu', anchors, labels: ['x'] })).rejects.toThrow(/needs outputs "boxEncodings" and "classLogits"/);
    await expect(createDetector(graph, weights, { backend: 'nope', anchors, labels: ['x'] })).rejects.toThrow(/backend "nope" is not registered/);
  });
});
