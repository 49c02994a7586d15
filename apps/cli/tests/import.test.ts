import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodePng } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

// A Teachable-Machine-shaped export written by tfjs-layers itself: Sequential[Sequential[truncated
// Keras MobileNet α 0.25 at 64×64, Flatten], Sequential[Dense relu, Dense softmax]] + metadata.json.
const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-import-'));
const tm = path.join(dir, 'tm');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Keras's MobileNet v1 α 0.25 (keras/src/applications/mobilenet.py layer names), up to conv_pw_13_relu. */
function kerasBackbone(size: number): { input: tfl.SymbolicTensor; x: tfl.SymbolicTensor } {
  const L = tfl.layers;
  const input = tfl.input({ shape: [size, size, 3], name: 'input_1' });
  let x = L.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1' }).apply(input) as tfl.SymbolicTensor;
  x = L.batchNormalization({ name: 'conv1_bn' }).apply(x) as tfl.SymbolicTensor;
  x = L.reLU({ maxValue: 6, name: 'conv1_relu' }).apply(x) as tfl.SymbolicTensor;
  const blocks: [number, number][] = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  blocks.forEach(([filters, stride], i) => {
    const id = i + 1;
    if (stride === 2) x = L.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${id}` }).apply(x) as tfl.SymbolicTensor;
    x = L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false, name: `conv_dw_${id}` }).apply(x) as tfl.SymbolicTensor;
    x = L.batchNormalization({ name: `conv_dw_${id}_bn` }).apply(x) as tfl.SymbolicTensor;
    x = L.reLU({ maxValue: 6, name: `conv_dw_${id}_relu` }).apply(x) as tfl.SymbolicTensor;
    x = L.conv2d({ filters: filters / 4, kernelSize: 1, padding: 'same', useBias: false, name: `conv_pw_${id}` }).apply(x) as tfl.SymbolicTensor;
    x = L.batchNormalization({ name: `conv_pw_${id}_bn` }).apply(x) as tfl.SymbolicTensor;
    x = L.reLU({ maxValue: 6, name: `conv_pw_${id}_relu` }).apply(x) as tfl.SymbolicTensor;
  });
  return { input, x };
}

function teachableMachine(): tfl.Sequential {
  const L = tfl.layers;
  const { input, x } = kerasBackbone(64);
  const base = tfl.sequential();
  base.add(tfl.model({ inputs: input, outputs: x }));
  base.add(L.flatten());
  const head = tfl.sequential({ layers: [L.dense({ inputShape: [2 * 2 * 256], units: 16, activation: 'relu', name: 'dense_Dense1' }), L.dense({ units: 3, activation: 'softmax', useBias: false, name: 'dense_Dense2' })] });
  const joint = tfl.sequential();
  joint.add(base);
  joint.add(head);
  return joint;
}

/** Keras Applications' MobileNet with top (4 classes) at 128×128, its weights written as `save_weights` writes an .h5 (with h5wasm). */
async function kerasWeightsH5(file: string): Promise<void> {
  const L = tfl.layers;
  const { input, x: features } = kerasBackbone(128);
  let x = L.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(features) as tfl.SymbolicTensor;
  x = L.reshape({ targetShape: [1, 1, 256], name: 'reshape_1' }).apply(x) as tfl.SymbolicTensor;
  x = L.conv2d({ filters: 4, kernelSize: 1, name: 'conv_preds' }).apply(x) as tfl.SymbolicTensor;
  x = L.reshape({ targetShape: [4], name: 'reshape_2' }).apply(x) as tfl.SymbolicTensor;
  x = L.activation({ activation: 'softmax', name: 'predictions' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: x });
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  const names = model.layers.map((l) => l.name);
  f.create_attribute('layer_names', names, [names.length], `S${Math.max(...names.map((n) => n.length))}`);
  for (const layer of model.layers) {
    const g = f.create_group(layer.name);
    const values = layer.getWeights();
    const weightNames = layer.weights.map((w) => `${w.originalName}:0`);
    if (weightNames.length === 0) g.create_attribute('weight_names', new Float64Array(0), [0], '<d');
    else g.create_attribute('weight_names', weightNames, [weightNames.length], `S${Math.max(...weightNames.map((n) => n.length))}`);
    const inner = weightNames.length ? g.create_group(layer.name) : g;
    layer.weights.forEach((w, i) => inner.create_dataset({ name: `${w.originalName.split('/')[1]}:0`, data: values[i]!.dataSync() as Float32Array, shape: values[i]!.shape, dtype: '<f' }));
  }
  f.close();
  model.dispose();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await kerasWeightsH5(path.join(dir, 'weights.h5'));
  const model = teachableMachine();
  const { mkdir } = await import('node:fs/promises');
  await mkdir(tm, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(path.join(tm, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      writeFileSync(path.join(tm, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  writeFileSync(path.join(tm, 'metadata.json'), JSON.stringify({ tfjsVersion: '4.22.0', packageName: '@teachablemachine/image', labels: ['cat', 'dog', 'bird'], imageSize: 64 }));
  const data = Uint8Array.from({ length: 80 * 60 * 3 }, (_, i) => (i * 37) % 256);
  writeFileSync(path.join(dir, 'photo.png'), await encodePng({ width: 80, height: 60, data }));
}, 60_000);

describe('mobilenet-kit import', () => {
  it('imports a Teachable Machine export into a model folder that classify runs', async () => {
    const out = path.join(dir, 'imported');
    const r = await runCli(['import', tm, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { format: string; recognized: { alpha: number; resolution: number }; labels: string[] };
    expect(info.format).toBe('teachable-machine');
    expect(info.recognized).toMatchObject({ alpha: 0.25, resolution: 64 });
    expect(info.labels).toEqual(['cat', 'dog', 'bird']);
    expect(existsSync(path.join(out, 'model.json'))).toBe(true);
    const c = await runCli(['classify', path.join(dir, 'photo.png'), '--model', out, '--backend', 'cpu']);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/cat|dog|bird/);
  }, 60_000);

  it('imports a weights-only Keras .h5 at --alpha --resolution into a model folder that classify runs', async () => {
    const out = path.join(dir, 'from-h5');
    const r = await runCli(['import', path.join(dir, 'weights.h5'), '--alpha', '0.25', '--resolution', '128', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(keras-h5-weights\)/);
    expect(r.stdout).toMatch(/α 0\.25, 128×128, standard, top: Keras's classifier \(4 classes\)/);
    const c = await runCli(['classify', path.join(dir, 'photo.png'), '--model', out, '--backend', 'cpu', '--json']);
    expect(c.code).toBe(0);
    const results = JSON.parse(c.stdout) as { predictions: { label: string; probability: number }[] }[];
    expect(results[0]!.predictions[0]!.label).toMatch(/^[0-3]$/);
    const backbone = await runCli(['import', path.join(dir, 'weights.h5'), '--resolution', '128', '--no-top', '--out', path.join(dir, 'h5-backbone'), '--json']);
    expect(backbone.code).toBe(0);
    expect(JSON.parse(backbone.stdout)).toMatchObject({ recognized: { alpha: 0.25, top: 'none' }, task: 'backbone' });
  }, 60_000);

  it('imports an ONNX file (written by export) into a model folder that predicts what the original predicts', async () => {
    const original = path.join(dir, 'from-h5');
    const onnx = path.join(dir, 'm.onnx');
    expect((await runCli(['export', original, '--out', onnx])).code).toBe(0);
    const out = path.join(dir, 'from-onnx');
    const r = await runCli(['import', onnx, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'onnx', recognized: { alpha: 0.25, resolution: 128, classes: 4 } });
    const scores = async (model: string) => (JSON.parse((await runCli(['classify', path.join(dir, 'photo.png'), '--model', model, '--backend', 'cpu', '--json', '--top-k', '4'])).stdout) as { predictions: { index: number; probability: number }[] }[])[0]!.predictions;
    const [a, b] = [await scores(original), await scores(out)];
    expect(b.map((p) => p.index)).toEqual(a.map((p) => p.index));
    b.forEach((p, i) => expect(p.probability).toBeCloseTo(a[i]!.probability, 5));
  }, 60_000);

  it('needs --out (exit 2) and names a file that is not a model', async () => {
    const r = await runCli(['import', tm]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out DIR is required/);
    const bad = await runCli(['import', path.join(dir, 'photo.png'), '--out', path.join(dir, 'x')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/photo\.png/);
  });
});
