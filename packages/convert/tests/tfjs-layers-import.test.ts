import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { compile } from '@mobilenet-kit/core';
import { loadModel } from '@mobilenet-kit/core/node';
import { IMAGENET_CLASSES } from '@mobilenet-kit/convert';
import { importModelFile, saveImported } from '@mobilenet-kit/convert/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kerasMobileNet, layersPredict, loadLayersModelFromDir, maxAbsDiff, randomInput, saveLayersModel, teachableMachineModel, tf } from './fixtures';

let dir: string;
const keras = () => path.join(dir, 'keras');
const tm = () => path.join(dir, 'tm');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-layers-'));
  await tf.setBackend('cpu');
  const k = kerasMobileNet({ alpha: 0.25, resolution: 64, classes: 1000 });
  await saveLayersModel(k, keras());
  k.dispose();
  const t = teachableMachineModel(0.25, 64, 3);
  await saveLayersModel(t, tm());
  t.dispose();
  await writeFile(path.join(tm(), 'metadata.json'), JSON.stringify({ tfjsVersion: '4.22.0', packageName: '@teachablemachine/image', labels: ['cat', 'dog', 'bird'], imageSize: 64 }));
  registerCpuBackend();
  registerWasmBackend({ threads: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ours(modelDir: string, backend: string, input: { shape: number[]; data: Float32Array }) {
  const imported = await importModelFile(modelDir);
  const model = await compile(imported.graph, imported.weights, { backend });
  const out = await model.run({ [imported.metadata.input as string]: input });
  model.dispose();
  return { imported, out: out[imported.metadata.output as string]!.data as Float32Array };
}

describe('tfjs layers import: Keras-named MobileNet (written by tfjs-layers)', () => {
  it('recognises α, resolution, the Keras top and ImageNet labels', async () => {
    const imported = await importModelFile(keras());
    expect(imported.recognized).toMatchObject({ alpha: 0.25, resolution: 64, variant: 'standard', top: 'keras', classes: 1000, layers: 27 });
    expect(imported.metadata).toMatchObject({ task: 'classification', output: 'predictions', labels: IMAGENET_CLASSES });
    expect(imported.report[0]).toMatch(/α 0\.25, 64×64, standard, top: Keras's classifier \(1000 classes\)/);
  });

  for (const [backend, tol] of [['cpu', 1e-4], ['wasm', 1e-3]] as const) {
    it(`predicts what tf.loadLayersModel's predict gives on ${backend} (max |Δ| ≤ ${tol})`, async () => {
      const input = randomInput(2, 64);
      const before = tf.memory().numTensors;
      await tf.setBackend('cpu');
      const ref = await loadLayersModelFromDir(keras());
      const expected = await layersPredict(ref, input);
      ref.dispose();
      const { out } = await ours(keras(), backend, input);
      await tf.setBackend('cpu');
      const d = maxAbsDiff(out, expected);
      console.log(`keras-named tfjs layers, ${backend}: max |Δ| = ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(tol);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('tfjs layers import: Teachable Machine export', () => {
  it('flattens the nested Sequential / functional model, takes labels from metadata.json and its preprocessing', async () => {
    const imported = await importModelFile(tm());
    expect(imported.format).toBe('teachable-machine');
    expect(imported.recognized).toMatchObject({ alpha: 0.25, resolution: 64, top: 'dense', classes: 3, lastLayer: 'conv_pw_13' });
    expect(imported.metadata).toMatchObject({ task: 'classification', labels: ['cat', 'dog', 'bird'], preprocessing: { crop: 'center', normalization: { divisor: 127, offset: -1 } } });
  });

  for (const [backend, tol] of [['cpu', 1e-4], ['wasm', 1e-3]] as const) {
    it(`predicts what Teachable Machine's model (tfjs-layers predict) gives on ${backend}`, async () => {
      const input = randomInput(2, 64, 11);
      await tf.setBackend('cpu');
      const ref = await loadLayersModelFromDir(tm());
      const expected = await layersPredict(ref, input);
      ref.dispose();
      const { out } = await ours(tm(), backend, input);
      await tf.setBackend('cpu');
      const d = maxAbsDiff(out, expected);
      console.log(`teachable machine, ${backend}: max |Δ| = ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(tol);
    });
  }

  it('writes a model folder that core loads back with the same weights and metadata', async () => {
    const imported = await importModelFile(tm());
    const out = path.join(dir, 'tm-imported');
    await saveImported(out, imported);
    const loaded = await loadModel(out);
    expect(loaded.metadata).toMatchObject({ task: 'classification', labels: ['cat', 'dog', 'bird'] });
    for (const [name, w] of imported.weights) expect(maxAbsDiff(loaded.weights.get(name)!.data, w.data)).toBe(0);
  });
});

describe('tfjs layers import: bad files', () => {
  const variant = async (name: string, edit: (json: any) => void, bin?: (b: Buffer) => Buffer) => {
    const src = keras();
    const target = path.join(dir, name);
    const json = JSON.parse(await readFile(path.join(src, 'model.json'), 'utf8'));
    edit(json);
    await import('node:fs/promises').then((fs) => fs.mkdir(target, { recursive: true }));
    await writeFile(path.join(target, 'model.json'), JSON.stringify(json));
    const weights = await readFile(path.join(src, 'weights.bin'));
    await writeFile(path.join(target, 'weights.bin'), bin ? bin(weights) : weights);
    return target;
  };
  const layer = (json: any, name: string) => json.modelTopology.config.layers.find((l: any) => l.name === name);

  it('a truncated shard names the file and the bytes', async () => {
    const f = await variant('truncated', () => {}, (b) => b.subarray(0, b.length - 100));
    await expect(importModelFile(f)).rejects.toThrow(/weights\.bin.*(bytes|byte offset)/);
  });
  it('a weight whose shape disagrees with the topology names the weight and both shapes', async () => {
    const f = await variant('wrong-shape', (j) => {
      j.weightsManifest[0].weights.find((w: any) => w.name === 'conv_pw_3/kernel').shape = [1, 1, 32, 16];
    });
    await expect(importModelFile(f)).rejects.toThrow(/weight "conv_pw_3\/kernel".*shape \[1, 1, 32, 16\] in the file.*needs \[1, 1, 32, 32\]/);
  });
  it('layer names that match no MobileNet are refused, naming what was found', async () => {
    const f = await variant('renamed', (j) => {
      for (const l of j.modelTopology.config.layers) if (l.name === 'conv1') l.name = l.config.name = 'stem';
      for (const l of j.modelTopology.config.layers) for (const call of l.inbound_nodes ?? []) for (const r of call) if (r[0] === 'conv1') r[0] = 'stem';
      for (const w of j.weightsManifest[0].weights) w.name = w.name.replace(/^conv1\//, 'stem/');
    });
    await expect(importModelFile(f)).rejects.toThrow(/no MobileNet v1 found.*"stem"/);
  });
  it('an α that disagrees with the shapes is refused', async () => {
    await expect(importModelFile(keras(), { alpha: 0.5 })).rejects.toThrow(/--alpha 0\.5 disagrees with the weights: layer "conv1" has 8 filters, expected 16/);
  });
  it('an unknown layer class names the layer and class', async () => {
    const f = await variant('unknown-layer', (j) => {
      layer(j, 'conv_dw_5_relu').class_name = 'LeakyReLU';
    });
    await expect(importModelFile(f)).rejects.toThrow(/layer "conv_dw_5_relu" \(LeakyReLU\): layer class "LeakyReLU" has no IR equivalent/);
  });
});
