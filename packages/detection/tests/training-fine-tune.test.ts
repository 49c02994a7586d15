import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mobilenetV1, mulberry32 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { compile, type Graph, type Weights } from '@mobilenet-kit/core';
import { loadModel, saveModel } from '@mobilenet-kit/core/node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSsdAnchors, type SsdAnchorOptions } from '../src/anchors';
import { decodeBoxes } from '../src/box-coder';
import { nonMaxSuppression } from '../src/nms';
import { ssdFeatureMapSizes, ssdHead } from '../src/ssd-head';
import { initializeDetectorWeights } from '../src/initialize-detector';
import { boxIou, type DetectionExample, fineTuneDetector, type StepProgress } from '../src/training';

// A small SSD: MobileNet 0.25 at 128 px (the paper's smallest α and ρ), 2 classes,
// thin extra layers, so that a few epochs on tfjs-backend-cpu take seconds.
const RESOLUTION = 128;
const NUM_CLASSES = 2;
const EPOCHS = 40;
/**
 * Score threshold of the recall check. Classification confidence is what
 * grows slowest (box regression converges first); after 80 steps the matched
 * anchors score 0.3–0.6 (measured here), so recall is taken at 0.3.
 */
const MIN_SCORE = 0.3;
const ANCHORS: SsdAnchorOptions = {};

function smallDetector(resolution = RESOLUTION): { graph: Graph; weights: Weights; anchors: Float32Array } {
  const backbone = mobilenetV1({ alpha: 0.25, resolution, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] });
  const graph = ssdHead(backbone, {
    numClasses: NUM_CLASSES,
    anchors: ANCHORS,
    extraLayers: [
      { bottleneck: 32, depth: 64 },
      { bottleneck: 16, depth: 32 },
      { bottleneck: 16, depth: 32 },
      { bottleneck: 16, depth: 32 },
    ],
  });
  return { graph, weights: initializeDetectorWeights(graph, { seed: 7 }), anchors: generateSsdAnchors(ssdFeatureMapSizes(graph), ANCHORS) };
}

/** Class 1: a red rectangle, class 2: a blue one, on dark noise; pixels in [-1, 1] as the network expects. */
const COLORS: Record<number, [number, number, number]> = { 1: [0.9, -0.7, -0.7], 2: [-0.7, -0.7, 0.9] };

function syntheticImages(count: number, seed: number, resolution = RESOLUTION): DetectionExample[] {
  const random = mulberry32(seed);
  const out: DetectionExample[] = [];
  for (let n = 0; n < count; n++) {
    const data = new Float32Array(resolution * resolution * 3);
    for (let i = 0; i < data.length; i++) data[i] = -1 + 0.5 * random();
    const boxes: number[][] = [];
    const labels: number[] = [];
    const objects = 1 + (n % 2);
    for (let o = 0; o < objects; o++) {
      const label = 1 + ((n + o) % NUM_CLASSES);
      const h = 0.3 + 0.3 * random();
      const w = 0.3 + 0.3 * random();
      // Two objects: one in the left half, one in the right, so they never overlap much.
      const x0 = objects === 1 ? random() * (1 - w) : o * 0.5 + random() * Math.max(0, 0.5 - w);
      const y0 = random() * (1 - h);
      const box = [y0, x0, y0 + h, Math.min(1, x0 + w)];
      const [r0, c0, r1, c1] = [Math.round(box[0]! * resolution), Math.round(box[1]! * resolution), Math.round(box[2]! * resolution), Math.round(box[3]! * resolution)];
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) data.set(COLORS[label]!, (r * resolution + c) * 3);
      boxes.push([r0 / resolution, c0 / resolution, r1 / resolution, c1 / resolution]);
      labels.push(label);
    }
    out.push({ image: { shape: [resolution, resolution, 3], data }, boxes, labels });
  }
  return out;
}

/**
 * Recall at IoU ≥ 0.5 over the dataset, through the inference path (our cpu
 * backend on the graph and weights): per image and class, sigmoid scores,
 * decoded boxes, NMS (IoU 0.5, score > minScore, at most 5 per class); a
 * ground-truth box is found when a detection of its class overlaps it at IoU ≥ 0.5.
 */
async function recall(graph: Graph, weights: Weights, anchors: Float32Array, dataset: readonly DetectionExample[], minScore = MIN_SCORE): Promise<number> {
  const model = await compile(graph, weights, { backend: 'cpu' });
  let found = 0;
  let total = 0;
  try {
    for (const example of dataset) {
      const out = await model.run({ input: { shape: [1, ...example.image.shape], data: example.image.data } });
      const boxes = decodeBoxes(out.boxEncodings!.data, anchors);
      const logits = out.classLogits!.data;
      const scores = Float32Array.from(logits, (x) => 1 / (1 + Math.exp(-x)));
      const gtBoxes = example.boxes as number[][];
      gtBoxes.forEach((gt, i) => {
        total++;
        const label = example.labels[i]!;
        const kept = nonMaxSuppression(boxes, scores, 5, 0.5, minScore, { stride: NUM_CLASSES + 1, offset: label });
        if (kept.some((k) => boxIou(gt, boxes.subarray(4 * k, 4 * k + 4)) >= 0.5)) found++;
      });
    }
  } finally {
    model.dispose();
  }
  return found / total;
}

describe('fineTuneDetector', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    registerCpuBackend();
  });

  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fine-tunes a small SSD on labeled synthetic images: the loss falls and recall rises (cpu, through tfjs-layers)', async () => {
    const { graph, weights, anchors } = smallDetector();
    const dataset = syntheticImages(8, 11);
    const recallBefore = await recall(graph, weights, anchors, dataset);
    const tensorsBefore = tf.memory().numTensors;
    const steps: StepProgress[] = [];
    const tensorsPerStep: number[] = [];
    const epochs: number[] = [];
    const t0 = Date.now();
    const result = await fineTuneDetector({
      graph,
      weights,
      anchors,
      dataset,
      epochs: EPOCHS,
      batchSize: 4,
      learningRate: 3e-2,
      optimizer: 'adam',
      freezeBackbone: true,
      onStep: (s) => {
        steps.push(s);
        tensorsPerStep.push(tf.memory().numTensors);
      },
      onEpoch: (e) => {
        epochs.push(e.epoch);
      },
    });
    const recallAfter = await recall(graph, result.weights, anchors, dataset);
    const { history } = result;
    console.log(`fine-tune: ${Date.now() - t0} ms; loss ${history[0]!.loss.toFixed(3)} → ${history.at(-1)!.loss.toFixed(3)} (loc ${history[0]!.locLoss.toFixed(3)} → ${history.at(-1)!.locLoss.toFixed(3)}, cls ${history[0]!.clsLoss.toFixed(3)} → ${history.at(-1)!.clsLoss.toFixed(3)}); recall ${recallBefore} → ${recallAfter}`);

    expect(epochs).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(history.map((h) => h.epoch)).toEqual(epochs);
    expect(steps.length).toBe(2 * EPOCHS);
    expect(steps.every((s) => s.numPositives > 0 && s.numNegatives <= 3 * s.numPositives)).toBe(true);
    // No tensor is left behind: the count is flat from the second step on (the first creates the optimizer's slots) and back to the start at the end.
    expect(new Set(tensorsPerStep.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // The loss falls by more than half and recall rises clearly.
    expect(history.at(-1)!.loss).toBeLessThan(0.5 * history[0]!.loss);
    expect(history.at(-1)!.locLoss).toBeLessThan(history[0]!.locLoss);
    expect(history.at(-1)!.clsLoss).toBeLessThan(history[0]!.clsLoss);
    expect(recallAfter).toBeGreaterThanOrEqual(recallBefore + 0.4);
    expect(recallAfter).toBeGreaterThanOrEqual(0.7);

    // Only the head was trained: every backbone weight is bit-identical; the head's kernels moved (those of
    // predictors whose anchors matched nothing get no gradient); shapes are the graph's.
    const headKernels = [...weights.keys()].filter((n) => n.startsWith('ssd/') && n.endsWith('/kernel'));
    for (const [name, before] of weights) {
      const after = result.weights.get(name)!;
      expect(after.shape).toEqual(before.shape);
      if (!name.startsWith('ssd/')) expect(after.data).toEqual(before.data);
    }
    const moved = headKernels.filter((n) => !result.weights.get(n)!.data.every((v, i) => v === weights.get(n)!.data[i]));
    expect(moved).toContain('ssd/box_predictor_1/box_encoding/kernel');
    expect(moved).toContain('ssd/box_predictor_1/class/kernel');
    expect(moved.length).toBeGreaterThan(headKernels.length / 2);

    // The trained weights save in our model format and load back unchanged.
    dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-ssd-'));
    const modelDir = path.join(dir, 'model');
    await saveModel(modelDir, graph, result.weights);
    const loaded = await loadModel(modelDir);
    expect(await recall(loaded.graph, loaded.weights, anchors, dataset)).toBe(recallAfter);
  });

  it('trains everything with batch norm in training mode: backbone weights and moving statistics change, no tensor leaks', async () => {
    const { graph, weights, anchors } = smallDetector(64);
    const dataset = syntheticImages(4, 5, 64);
    const tensorsBefore = tf.memory().numTensors;
    const result = await fineTuneDetector({ graph, weights, anchors, dataset, epochs: 1, batchSize: 4, learningRate: 1e-3, optimizer: 'sgd', batchNorm: 'train' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(result.history).toHaveLength(1);
    expect(Number.isFinite(result.history[0]!.loss)).toBe(true);
    const changed = (name: string) => !result.weights.get(name)!.data.every((v, i) => v === weights.get(name)!.data[i]);
    expect(changed('conv1/kernel')).toBe(true);
    expect(changed('conv_dw_1/depthwise_kernel')).toBe(true);
    expect(changed('conv_pw_13/kernel')).toBe(true);
    expect(result.weights.get('conv_pw_13/kernel')!.shape).toEqual(weights.get('conv_pw_13/kernel')!.shape);
    expect(changed('conv_dw_1_bn/moving_mean')).toBe(true);
    expect(changed('conv_dw_1_bn/gamma')).toBe(true);
    expect([...result.weights.keys()].sort()).toEqual([...weights.keys()].sort());
  });

  it('freezes batch norm by default: moving statistics, gamma and beta stay as they were', async () => {
    const { graph, weights, anchors } = smallDetector(64);
    const result = await fineTuneDetector({ graph, weights, anchors, dataset: syntheticImages(2, 9, 64), epochs: 1, batchSize: 2, learningRate: 1e-3, optimizer: 'rmsprop' });
    for (const [name, before] of weights) {
      if (/_bn\/(gamma|beta|moving_mean|moving_variance)$/.test(name)) expect(result.weights.get(name)!.data).toEqual(before.data);
    }
    expect(result.weights.get('conv1/kernel')!.data).not.toEqual(weights.get('conv1/kernel')!.data);
  });

  it('names what is wrong with its input', async () => {
    const { graph, weights, anchors } = smallDetector(64);
    const dataset = syntheticImages(1, 1, 64);
    const base = { graph, weights, anchors, dataset, epochs: 1, batchSize: 1, learningRate: 1e-3 };
    const tensorsBefore = tf.memory().numTensors;
    await expect(fineTuneDetector({ ...base, dataset: [{ ...dataset[0]!, image: { shape: [32, 32, 3], data: new Float32Array(32 * 32 * 3) } }] })).rejects.toThrow(
      /dataset\[0\]\.image\.shape.*\[64, 64, 3\]/,
    );
    await expect(fineTuneDetector({ ...base, anchors: anchors.subarray(0, 40) })).rejects.toThrow(/anchors count.*10.*not allowed/);
    await expect(fineTuneDetector({ ...base, epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(fineTuneDetector({ ...base, learningRate: Number.NaN })).rejects.toThrow(/learningRate/);
    await expect(fineTuneDetector({ ...base, optimizer: 'lbfgs' as 'sgd' })).rejects.toThrow(/"rmsprop", "adam" or "sgd"/);
    await expect(fineTuneDetector({ ...base, dataset: [{ ...dataset[0]!, labels: [0] }] })).rejects.toThrow(/labels\[0\].*≥ 1/);
    await expect(fineTuneDetector({ ...base, dataset: [{ ...dataset[0]!, labels: [NUM_CLASSES + 1] }] })).rejects.toThrow(/class ids 1…2/);
    await expect(fineTuneDetector({ ...base, optimizer: 'adam', freezeBackbone: true, headScope: 'nothing/' })).rejects.toThrow(/computed by the head/);
    await expect(fineTuneDetector({ ...base, optimizer: 'adam', freezeBackbone: true, batchNorm: 'train', headScope: 'nothing/' })).rejects.toThrow(/leaves nothing to train/);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
