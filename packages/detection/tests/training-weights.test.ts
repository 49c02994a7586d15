import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFaceApiSsdWeights } from '../src/face-api/import-weights';
import { ssdHead } from '../src/ssd-head';
import { findTrainingOutputs, readLayersWeights } from '../src/training';
import { pointwiseConvsAsDense, restoreWeightShapes } from '../src/training/pointwise-as-dense';
import { splitAtHead } from '../src/training/split-at-head';
import { readBin, readManifest } from './helpers';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

function smallSsd() {
  const backbone = mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] });
  const graph = ssdHead(backbone, { numClasses: 2, extraLayers: [32, 16, 16, 16].map((b) => ({ bottleneck: b, depth: 2 * b })) });
  return { graph, weights: initializeWeights(graph, { seed: 3 }) };
}

describe('the training lowering', () => {
  it("reads every weight of face-api's detector back bit-exactly through the tfjs-layers model (folded BN biases, explicit depthwise BN)", async () => {
    const { graph, weights } = await importFaceApiSsdWeights(readManifest(), async () => readBin());
    const outputs = findTrainingOutputs(graph);
    expect(outputs).toMatchObject({ numAnchors: 5118, numColumns: 3, scoreActivation: null });
    const lowered = pointwiseConvsAsDense(graph, weights);
    expect(lowered.rewritten.size).toBeGreaterThan(13);
    const build = toLayersModel(lowered.graph, lowered.weights, tf, tfl);
    try {
      const back = restoreWeightShapes(readLayersWeights(build, lowered.weights), weights);
      expect([...back.keys()].sort()).toEqual([...weights.keys()].sort());
      for (const [name, w] of weights) {
        const got = back.get(name)!;
        expect(got.shape, name).toEqual(w.shape);
        // A loop: vitest's deep equality on millions of floats takes seconds.
        const firstDifference = got.data.findIndex((v, i) => !Object.is(v, w.data[i]));
        expect({ name, firstDifference, length: got.data.length }).toEqual({ name, firstDifference: -1, length: w.data.length });
      }
    } finally {
      build.model.dispose();
    }
  });

  it('computes the same outputs with pointwise convs as dense layers, and with the backbone cut off at the head', () => {
    const { graph, weights } = smallSsd();
    const lowered = pointwiseConvsAsDense(graph, weights);
    const split = splitAtHead(lowered.graph, (n) => n.startsWith('ssd/'));
    expect(split.boundary).toEqual(['conv_pw_13_relu', 'conv_pw_11_relu']);
    const models = [toLayersModel(graph, weights, tf, tfl), toLayersModel(lowered.graph, lowered.weights, tf, tfl), toLayersModel(split.backbone, lowered.weights, tf, tfl), toLayersModel(split.head, lowered.weights, tf, tfl)];
    try {
      const [reference, dense, cut] = tf.tidy(() => {
        const x = tf.randomUniform([2, 64, 64, 3], -1, 1, 'float32', 5);
        const run = (m: tfl.LayersModel, input: tf.Tensor | tf.Tensor[]) => (m.predict(input) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
        const features = models[2]!.model.predict(x) as tf.Tensor[];
        return [run(models[0]!.model, x), run(models[1]!.model, x), run(models[3]!.model, features)];
      });
      for (const outputs of [dense!, cut!]) {
        outputs.forEach((values, k) => {
          const ref = reference![k]!;
          expect(values.length).toBe(ref.length);
          const maxDiff = values.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
          expect(maxDiff).toBeLessThan(1e-4);
        });
      }
    } finally {
      for (const m of models) m.model.dispose();
    }
  });
});
