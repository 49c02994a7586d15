import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mobilenetV1, mulberry32 } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { loadCheckpoint, saveCheckpoint } from '@mobilenet-kit/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentSsd, generateSsdAnchors, initializeDetectorWeights, ssdFeatureMapSizes, ssdHead } from '../src/index';
import { trainDetector, type TrainingImage } from '../src/training/index';

/** An image with one coloured rectangle per object on gray noise. */
function scene(seed: number, size = 64): TrainingImage {
  const random = mulberry32(seed);
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = 60 + Math.floor(random() * 60);
  const classIndex = 1 + (seed % 2);
  const w = Math.round(size * (0.3 + 0.3 * random()));
  const h = Math.round(size * (0.3 + 0.3 * random()));
  const x = Math.floor(random() * (size - w));
  const y = Math.floor(random() * (size - h));
  const colour = classIndex === 1 ? [230, 30, 30] : [30, 30, 230];
  for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) data.set(colour, (r * size + c) * 3);
  return { image: { width: size, height: size, data }, objects: [{ box: { x, y, width: w, height: h }, classIndex }] };
}

/** The bounding box of the pixels that are pure red (230, 30, 30). */
function redBox(image: { width: number; height: number; data: Uint8Array }) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      const o = (y * image.width + x) * 3;
      if (image.data[o] === 230 && image.data[o + 1] === 30 && image.data[o + 2] === 30) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
    }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

describe('augmentSsd', () => {
  it('moves the boxes with the pixels (zoom-out, min-IoU crop, flip), seeded', () => {
    const red = scene(4); // an even seed: class 1, red
    let changed = 0;
    for (let s = 0; s < 12; s++) {
      const a = augmentSsd(red.image, red.objects, mulberry32(s), { photometric: false });
      const b = augmentSsd(red.image, red.objects, mulberry32(s), { photometric: false });
      expect(b.objects).toEqual(a.objects);
      expect(a.objects.length).toBe(1);
      expect(redBox(a.image)).toEqual(a.objects[0]!.box);
      if (a.image.width !== 64 || a.objects[0]!.box.x !== red.objects[0]!.box.x) changed++;
    }
    expect(changed).toBeGreaterThan(6);
  });
});

describe('trainDetector on wasm (the kit training kernels)', () => {
  beforeAll(async () => {
    registerWasmBackend();
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
  });

  const graph = ssdHead(mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }), { numClasses: 2, extraLayers: [16, 8, 8, 8].map((b) => ({ bottleneck: b, depth: 2 * b })) });
  const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph));
  const images = Array.from({ length: 6 }, (_, i) => scene(i));
  const base = { graph, weights: initializeDetectorWeights(graph, { seed: 1 }), anchors, images, batchSize: 2, learningRate: 0.001, warmupEpochs: 1, seed: 5 };

  it('learns from random weights (He init, BN frozen): the loss falls', async () => {
    const { history } = await trainDetector({ ...base, epochs: 10, augment: false });
    expect(tf.getBackend()).toBe('wasm');
    expect(history.at(-1)!.loss).toBeLessThan(0.7 * history[0]!.loss);
  }, 120_000);

  it('resumes exactly from a checkpoint folder, augmentation included: the same losses and weights bit for bit', async () => {
    const before = tf.memory().numTensors;
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'train-det-')), 'checkpoint');
    const full = await trainDetector({
      ...base,
      epochs: 3,
      onEpoch: async (record, state) => {
        if (record.epoch === 1) await saveCheckpoint(dir, { graph, weights: state.weights, epoch: state.epoch, step: state.step, seed: 5, config: {}, history: state.history, optimizer: state.optimizer });
      },
    });
    const ck = await loadCheckpoint(dir);
    const resumed = await trainDetector({ ...base, epochs: 3, resume: { epoch: ck.epoch, step: ck.step, weights: ck.weights, optimizer: ck.optimizer, history: ck.history as never } });
    expect(resumed.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
    for (const [name, w] of full.weights) expect(Buffer.compare(Buffer.from(w.data.buffer), Buffer.from(resumed.weights.get(name)!.data.buffer)), name).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
