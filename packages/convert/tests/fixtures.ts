import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Fixtures written by tfjs-layers itself: Keras's MobileNet v1 (the layer
 * names and structure of keras/src/applications/mobilenet.py: ZeroPadding2D
 * before each stride-2 depthwise conv, conv_preds as a 1×1 conv) and a
 * Teachable-Machine-shaped model (Sequential[Sequential[truncated MobileNet,
 * Flatten], Sequential[Dense relu, Dense softmax without bias]]), saved
 * through tfjs's own save handler as model.json + weights.bin.
 */

const BLOCKS: readonly [number, 1 | 2][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

export interface KerasMobileNetOptions {
  readonly alpha: number;
  readonly resolution: number;
  readonly classes?: number;
  readonly includeTop?: boolean;
}

export function kerasMobileNet(o: KerasMobileNetOptions): tfl.LayersModel {
  const L = tfl.layers;
  const ch = (f: number) => Math.floor(f * o.alpha);
  const input = tfl.input({ shape: [o.resolution, o.resolution, 3], name: 'input_1' });
  let x = L.conv2d({ filters: ch(32), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1' }).apply(input) as tfl.SymbolicTensor;
  x = L.batchNormalization({ axis: -1, name: 'conv1_bn' }).apply(x) as tfl.SymbolicTensor;
  x = L.reLU({ maxValue: 6, name: 'conv1_relu' }).apply(x) as tfl.SymbolicTensor;
  BLOCKS.forEach(([filters, stride], i) => {
    const id = i + 1;
    if (stride === 2) x = L.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${id}` }).apply(x) as tfl.SymbolicTensor;
    x = L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', depthMultiplier: 1, useBias: false, name: `conv_dw_${id}` }).apply(x) as tfl.SymbolicTensor;
    x = L.batchNormalization({ axis: -1, name: `conv_dw_${id}_bn` }).apply(x) as tfl.SymbolicTensor;
    x = L.reLU({ maxValue: 6, name: `conv_dw_${id}_relu` }).apply(x) as tfl.SymbolicTensor;
    x = L.conv2d({ filters: ch(filters), kernelSize: 1, padding: 'same', useBias: false, name: `conv_pw_${id}` }).apply(x) as tfl.SymbolicTensor;
    x = L.batchNormalization({ axis: -1, name: `conv_pw_${id}_bn` }).apply(x) as tfl.SymbolicTensor;
    x = L.reLU({ maxValue: 6, name: `conv_pw_${id}_relu` }).apply(x) as tfl.SymbolicTensor;
  });
  if (o.includeTop !== false) {
    const classes = o.classes ?? 1000;
    x = L.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor;
    x = L.reshape({ targetShape: [1, 1, ch(1024)], name: 'reshape_1' }).apply(x) as tfl.SymbolicTensor;
    x = L.dropout({ rate: 1e-3, name: 'dropout' }).apply(x) as tfl.SymbolicTensor;
    x = L.conv2d({ filters: classes, kernelSize: 1, padding: 'same', name: 'conv_preds' }).apply(x) as tfl.SymbolicTensor;
    x = L.reshape({ targetShape: [classes], name: 'reshape_2' }).apply(x) as tfl.SymbolicTensor;
    x = L.activation({ activation: 'softmax', name: 'predictions' }).apply(x) as tfl.SymbolicTensor;
  }
  const model = tfl.model({ inputs: input, outputs: x, name: `mobilenet_${o.alpha.toFixed(2)}_${o.resolution}` });
  randomizeBatchNorm(model);
  return model;
}

/** Batch norms start as identities; give them seeded random statistics so that the comparison means something. */
function randomizeBatchNorm(model: tfl.LayersModel): void {
  let seed = 1;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const c = layer.getWeights()[0]!.shape[0]!;
    const w = tf.tidy(() => [
      tf.randomUniform([c], 0.5, 1.5, 'float32', seed++),
      tf.randomUniform([c], -0.2, 0.2, 'float32', seed++),
      tf.randomUniform([c], -0.2, 0.2, 'float32', seed++),
      tf.randomUniform([c], 0.5, 1.5, 'float32', seed++),
    ]);
    layer.setWeights(w);
    tf.dispose(w);
  }
}

/** Teachable Machine's image model (MobileNet v1 version): see custom-mobilenet.ts / teachable-mobilenet.ts of teachablemachine-community. */
export function teachableMachineModel(alpha: number, resolution: number, classes: number): tfl.Sequential {
  const mobilenet = kerasMobileNet({ alpha, resolution, includeTop: false });
  const truncated = tfl.model({ inputs: mobilenet.inputs, outputs: mobilenet.getLayer('conv_pw_13_relu').output });
  const base = tfl.sequential();
  base.add(truncated);
  base.add(tfl.layers.flatten());
  const size = (truncated.outputs[0]!.shape.slice(1) as number[]).reduce((a, d) => a * d, 1);
  const head = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [size], units: 100, activation: 'relu', useBias: true, name: 'dense_Dense1' }),
      tfl.layers.dense({ units: classes, activation: 'softmax', useBias: false, name: 'dense_Dense2' }),
    ],
  });
  const joint = tfl.sequential();
  joint.add(base);
  joint.add(head);
  return joint;
}

/** Saves through tfjs's save handler into `dir`: model.json (weightsManifest → weights.bin) and weights.bin, as tfjs's file handlers write them. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData!;
      const bytes = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(bytes));
      const json = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads model.json + weights.bin from disk with tfjs-layers' own loader (the independent executor). */
export async function loadLayersModelFromDir(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const buffers = await Promise.all(group.paths.map((p: string) => readFile(path.join(dir, p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tfl.loadLayersModel({
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData, format: json.format }),
  });
}

/** A seeded input batch in [-1, 1]. */
export function randomInput(n: number, resolution: number, seed = 7): { shape: number[]; data: Float32Array } {
  const data = new Float32Array(n * resolution * resolution * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 2 - 1;
  }
  return { shape: [n, resolution, resolution, 3], data };
}

export async function layersPredict(model: tfl.LayersModel, input: { shape: number[]; data: Float32Array }): Promise<Float32Array> {
  const x = tf.tensor(input.data, input.shape);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export { tf, tfl };
