import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { type Graph, ModelFormatError, compile } from '@mobilenet-kit/core';
import { loadModel } from '@mobilenet-kit/core/node';
import type { ImportedModel } from '@mobilenet-kit/convert';
import { importModelFile, saveImported } from '@mobilenet-kit/convert/node';
import * as h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kerasMobileNet, maxAbsDiff, randomInput, tf, tfl } from './fixtures';
import { type FixtureLayer, readLayout, writeKerasH5 } from './h5-fixtures';

/**
 * Keras .h5 import, checked against tfjs-layers: the fixtures are Keras-named
 * MobileNets built by tfjs-layers (α 0.25, 128×128, 5 classes, and one without
 * top), written by h5wasm in Keras's HDF5 layouts (whole model and weights
 * only); the imported model's weights must equal the tfjs-layers layers'
 * weights, and its activations after every block equal tfjs-layers' own.
 */

const R = 128;
let dir: string;
let top: tfl.LayersModel;
let noTop: tfl.LayersModel;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-h5-'));
  await tf.setBackend('cpu');
  top = kerasMobileNet({ alpha: 0.25, resolution: R, classes: 5 });
  noTop = kerasMobileNet({ alpha: 0.25, resolution: R, includeTop: false });
  await writeKerasH5(top, file('whole.h5'), { layout: 'model', style: 'keras2' });
  await writeKerasH5(noTop, file('whole-no-top-keras3.h5'), { layout: 'model', style: 'keras3' });
  await writeKerasH5(top, file('mobilenet_2_5_128_tf.h5'), { layout: 'weights', style: 'keras2' });
  await writeKerasH5(noTop, file('mobilenet_2_5_128_tf_no_top.h5'), { layout: 'weights', style: 'keras2' });
  registerCpuBackend();
  registerWasmBackend({ threads: 1 });
});
afterAll(async () => {
  top?.dispose();
  noTop?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** The imported graph with every `<layer>_relu` activation (and the main output) as outputs. */
function withTaps(graph: Graph): Graph {
  const taps = graph.nodes.filter((n) => /_relu$/.test(n.name)).map((n) => ({ node: n.name, name: n.name }));
  return { ...graph, outputs: [...graph.outputs, ...taps.filter((t) => !graph.outputs.some((o) => o.name === t.name))] };
}

/** Our outputs on `backend`, and tfjs-layers' for the same layers (`predict` of a model with those outputs); max |Δ| per output. */
async function compare(imported: ImportedModel, reference: tfl.LayersModel, backend: string, input = randomInput(2, R)): Promise<Map<string, number>> {
  const graph = withTaps(imported.graph);
  const model = await compile(graph, imported.weights, { backend });
  const ours = await model.run({ [imported.metadata.input as string]: input });
  model.dispose();
  await tf.setBackend('cpu');
  const names = graph.outputs.map((o) => o.name);
  const layerOf = (name: string) => (name === imported.metadata.output ? reference.outputs[0]! : reference.getLayer(name).output as tfl.SymbolicTensor);
  const probe = tfl.model({ inputs: reference.inputs, outputs: names.map(layerOf) });
  const x = tf.tensor(input.data, input.shape);
  const ys = probe.predict(x) as tf.Tensor[];
  const diffs = new Map<string, number>();
  for (const [i, name] of names.entries()) diffs.set(name, maxAbsDiff(ours[name]!.data as Float32Array, (await ys[i]!.data()) as Float32Array));
  tf.dispose([x, ...ys]);
  return diffs;
}

/** Every IR parameter equals the tfjs-layers weight it came from (`logits` is Keras's `conv_preds`). */
function expectSameWeights(imported: ImportedModel, reference: tfl.LayersModel): void {
  const ref = new Map<string, Float32Array>();
  for (const layer of reference.layers) {
    const values = layer.getWeights();
    layer.weights.forEach((w, i) => ref.set(w.originalName, values[i]!.dataSync() as Float32Array));
  }
  expect(imported.weights.size).toBe(ref.size);
  for (const [name, w] of imported.weights) {
    const keras = name.replace(/^logits\//, 'conv_preds/');
    expect(ref.has(keras), keras).toBe(true);
    expect(maxAbsDiff(w.data, ref.get(keras)!), name).toBe(0);
  }
}

const report = (what: string, backend: string, diffs: Map<string, number>, main: string) => {
  const worst = Math.max(...diffs.values());
  console.log(`${what}, ${backend}: max |Δ| ${main} = ${diffs.get(main)!.toExponential(2)}, over ${diffs.size} layer outputs = ${worst.toExponential(2)}`);
  return worst;
};

describe('Keras .h5 fixtures follow Keras\'s layout', () => {
  it('whole model: model_config, keras_version, backend at the root, layers under model_weights; weights only: layer_names at the root', async () => {
    const whole = await readLayout(file('whole.h5'));
    expect(whole.root).toEqual(expect.arrayContaining(['model_weights']));
    expect(whole.attrs).toEqual(expect.arrayContaining(['model_config', 'keras_version', 'backend']));
    expect(whole.layerNames.slice(0, 4)).toEqual(['input_1', 'conv1', 'conv1_bn', 'conv1_relu']);
    const weights = await readLayout(file('mobilenet_2_5_128_tf.h5'));
    expect(weights.attrs).toEqual(expect.arrayContaining(['layer_names', 'keras_version', 'backend']));
    expect(weights.root).toEqual(expect.arrayContaining(['conv1', 'conv_dw_13_bn', 'conv_preds']));
  });
});

describe('Keras .h5 import: whole model (model.save)', () => {
  it('recognises α, resolution, the Keras top and the classes', async () => {
    const imported = await importModelFile(file('whole.h5'));
    expect(imported.format).toBe('keras-h5');
    expect(imported.recognized).toMatchObject({ alpha: 0.25, resolution: R, variant: 'standard', top: 'keras', classes: 5, layers: 27 });
    expect(imported.metadata).toMatchObject({ task: 'classification', output: 'predictions', labels: ['0', '1', '2', '3', '4'] });
    expect(imported.report.join('\n')).toMatch(/Keras 2\.15\.0 \(tensorflow backend\)/);
    expectSameWeights(imported, top);
  });

  for (const [backend, tol] of [['cpu', 1e-4], ['wasm', 1e-3]] as const) {
    it(`every layer's output is tfjs-layers' on ${backend} (max |Δ| ≤ ${tol})`, async () => {
      const before = tf.memory().numTensors;
      const imported = await importModelFile(file('whole.h5'));
      const diffs = await compare(imported, top, backend);
      expect(report('keras h5 whole model', backend, diffs, 'predictions')).toBeLessThanOrEqual(tol);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a Keras 3 file without top (weight names without ":0", variable-length strings) gives the feature map', async () => {
    const imported = await importModelFile(file('whole-no-top-keras3.h5'));
    expect(imported.recognized).toMatchObject({ alpha: 0.25, top: 'none', outputShape: '[?, 4, 4, 256]' });
    expect(imported.metadata.task).toBe('backbone');
    expectSameWeights(imported, noTop);
    const diffs = await compare(imported, noTop, 'cpu');
    expect(report('keras h5 whole model, no top (Keras 3 names)', 'cpu', diffs, 'conv_pw_13_relu')).toBeLessThanOrEqual(1e-4);
  });
});

describe('Keras .h5 import: weights only (save_weights, Keras Applications)', () => {
  it('takes the resolution from the Keras Applications file name and α from the shapes', async () => {
    const imported = await importModelFile(file('mobilenet_2_5_128_tf.h5'));
    expect(imported.format).toBe('keras-h5-weights');
    expect(imported.recognized).toMatchObject({ alpha: 0.25, resolution: R, top: 'keras', classes: 5, layers: 27 });
    expect(imported.metadata).toMatchObject({ task: 'classification', output: 'predictions' });
    expect(imported.report.join('\n')).toMatch(/resolution 128 from the file name.*\n?/);
    expect(imported.report[0]).toMatch(/α 0\.25, 128×128, standard, top: Keras's classifier \(5 classes\)/);
    expectSameWeights(imported, top);
  });

  for (const [backend, tol] of [['cpu', 1e-4], ['wasm', 1e-3]] as const) {
    it(`with --alpha --resolution: every layer's output is tfjs-layers' on ${backend} (max |Δ| ≤ ${tol})`, async () => {
      const before = tf.memory().numTensors;
      const imported = await importModelFile(file('mobilenet_2_5_128_tf.h5'), { alpha: 0.25, resolution: R });
      const diffs = await compare(imported, top, backend);
      expect(report('keras h5 weights only', backend, diffs, 'predictions')).toBeLessThanOrEqual(tol);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a no-top file is a backbone: the feature map of conv_pw_13', async () => {
    const imported = await importModelFile(file('mobilenet_2_5_128_tf_no_top.h5'), { includeTop: false });
    expect(imported.recognized).toMatchObject({ alpha: 0.25, resolution: R, top: 'none', outputShape: '[?, 4, 4, 256]' });
    expect(imported.metadata.task).toBe('backbone');
    expectSameWeights(imported, noTop);
    const diffs = await compare(imported, noTop, 'cpu');
    expect(report('keras h5 weights only, no top', 'cpu', diffs, 'conv_pw_13_relu')).toBeLessThanOrEqual(1e-4);
  });

  it('--no-top on a file with top leaves conv_preds out; without the name pattern --resolution is needed', async () => {
    await copyFile(file('mobilenet_2_5_128_tf.h5'), file('weights.h5'));
    await expect(importModelFile(file('weights.h5'))).rejects.toThrow(/does not record the input size: give it \(--resolution R/);
    const imported = await importModelFile(file('weights.h5'), { resolution: R, includeTop: false });
    expect(imported.recognized).toMatchObject({ top: 'none', lastLayer: 'conv_pw_13' });
    expect(imported.report.join('\n')).toMatch(/conv_preds \(5 classes\) left out/);
    const truncated = tfl.model({ inputs: top.inputs, outputs: top.getLayer('conv_pw_13_relu').output });
    const diffs = await compare(imported, truncated, 'cpu');
    expect(Math.max(...diffs.values())).toBeLessThanOrEqual(1e-4);
  });

  it('writes a model folder that core loads back with the same weights, and classify metadata', async () => {
    const imported = await importModelFile(file('mobilenet_2_5_128_tf.h5'));
    const out = file('imported');
    await saveImported(out, imported);
    const loaded = await loadModel(out);
    expect(loaded.metadata).toMatchObject({ task: 'classification', labels: ['0', '1', '2', '3', '4'], preprocessing: { contentSize: R } });
    for (const [name, w] of imported.weights) expect(maxAbsDiff(loaded.weights.get(name)!.data, w.data)).toBe(0);
  });
});

describe('Keras .h5 import: bad files', () => {
  const edited = async (name: string, layout: 'model' | 'weights', edit: (layers: FixtureLayer[]) => void) => {
    await writeKerasH5(top, file(name), { layout, edit });
    return file(name);
  };
  const weight = (layers: FixtureLayer[], layer: string, w: string) => layers.find((l) => l.name === layer)!.weights.find((x) => x.name === w)!;

  it('a truncated file names the file and what HDF5 found', async () => {
    const bytes = await readFile(file('whole.h5'));
    await writeFile(file('truncated.h5'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const e = await importModelFile(file('truncated.h5')).catch((x) => x);
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/truncated\.h5.*HDF5 cannot open it: truncated file: eof = \d+.*stored_eof = \d+/);
  });
  it('a file that is not HDF5 is refused before h5wasm reads it', async () => {
    await writeFile(file('text.h5'), 'not an hdf5 file\n');
    await expect(importModelFile(file('text.h5'))).rejects.toThrow(/text\.h5.*is not an HDF5 file \(no HDF5 signature/);
  });
  it('an HDF5 file that is no Keras model names what it holds', async () => {
    await h5wasm.ready;
    const f = new h5wasm.File(file('other.h5'), 'w');
    f.create_group('entry');
    f.close();
    await expect(importModelFile(file('other.h5'))).rejects.toThrow(/is HDF5 but not a Keras model: no "model_weights" group.*"entry"/);
  });
  it("missing parts of Keras's layout are named: a listed layer without its group, model_weights without model_config", async () => {
    await h5wasm.ready;
    const a = new h5wasm.File(file('no-group.h5'), 'w');
    a.create_attribute('layer_names', ['input_1', 'conv1'], [2], 'S7');
    a.create_group('input_1').create_attribute('weight_names', new Float64Array(0), [0], '<d');
    a.close();
    await expect(importModelFile(file('no-group.h5'))).rejects.toThrow(/no-group\.h5.*layer "conv1" is listed in "layer_names" but "\/conv1" is missing/);
    const b = new h5wasm.File(file('no-config.h5'), 'w');
    b.create_group('model_weights').create_attribute('layer_names', ['conv1'], [1], 'S5');
    b.close();
    await expect(importModelFile(file('no-config.h5'))).rejects.toThrow(/has a "model_weights" group but no "model_config" attribute/);
  });
  it('an HDF5 file without a .h5 name is recognised by its signature', async () => {
    await copyFile(file('whole.h5'), file('model.weights'));
    expect((await importModelFile(file('model.weights'))).format).toBe('keras-h5');
  });
  for (const layout of ['model', 'weights'] as const) {
    it(`${layout}: a weight whose shape disagrees names the weight and both shapes`, async () => {
      const f = await edited(`wrong-shape-${layout}.h5`, layout, (layers) => {
        const w = weight(layers, 'conv_pw_3', 'conv_pw_3/kernel:0');
        w.shape = [1, 1, 32, 16];
        w.data = w.data.slice(0, 32 * 16);
      });
      await expect(importModelFile(f, { resolution: R })).rejects.toThrow(/weight "conv_pw_3\/kernel:0".*shape \[1, 1, 32, 16\] in the file.*needs \[1, 1, 32, 32\]/);
    });
    it(`${layout}: a missing weight names the layer and the weights it has`, async () => {
      const f = await edited(`missing-${layout}.h5`, layout, (layers) => {
        const l = layers.find((x) => x.name === 'conv_dw_5_bn')!;
        l.weights = l.weights.filter((w) => !w.name.includes('moving_variance'));
      });
      await expect(importModelFile(f, { resolution: R })).rejects.toThrow(/layer "conv_dw_5_bn" needs weight "moving_variance" \[64\], which the file does not hold \(it holds conv_dw_5_bn\/gamma:0/);
    });
  }
  it('weights only: a layer name that matches no MobileNet names the layer', async () => {
    const f = await edited('renamed.h5', 'weights', (layers) => {
      const l = layers.find((x) => x.name === 'conv_pw_7')!;
      l.name = 'block_7_project';
      for (const w of l.weights) w.name = w.name.replace('conv_pw_7/', 'block_7_project/');
    });
    await expect(importModelFile(f, { resolution: R })).rejects.toThrow(/layer "block_7_project" holds weights \(block_7_project\/kernel:0\) but matches no layer of Keras's MobileNet v1/);
  });
  it('whole model: a model whose layer names match no MobileNet is refused, naming what was found', async () => {
    const renamed = kerasMobileNet({ alpha: 0.25, resolution: 64, classes: 5 });
    type LayerJson = { name: string; config: { name: string }; inbound_nodes?: unknown[][][] };
    const json = renamed.toJSON(null, false) as unknown as { config: { layers: LayerJson[] } };
    for (const l of json.config.layers) if (l.name === 'conv1') l.name = l.config.name = 'stem';
    for (const l of json.config.layers) for (const call of l.inbound_nodes ?? []) for (const r of call) if (r[0] === 'conv1') r[0] = 'stem';
    const fake = { layers: renamed.layers, toJSON: () => json } as unknown as tfl.LayersModel;
    await writeKerasH5(fake, file('renamed-model.h5'), { layout: 'model' });
    renamed.dispose();
    await expect(importModelFile(file('renamed-model.h5'))).rejects.toThrow(/no MobileNet v1 found.*"stem"/);
  });
  it('an α that disagrees with the shapes names the layer and both shapes', async () => {
    await expect(importModelFile(file('mobilenet_2_5_128_tf.h5'), { alpha: 0.5 })).rejects.toThrow(
      /--alpha 0\.5 disagrees with the weights: layer "conv1" weight "conv1\/kernel:0" has shape \[3, 3, 3, 8\] in the file, α 0\.5 needs \[3, 3, 3, 16\]; the shapes say α ≈ 0\.25/,
    );
    await expect(importModelFile(file('whole.h5'), { alpha: 0.5 })).rejects.toThrow(/--alpha 0\.5 disagrees with the weights: layer "conv1" has 8 filters, expected 16/);
  });
  it('--no-top on a whole model, and a top asked of a no-top file, are refused', async () => {
    await expect(importModelFile(file('whole.h5'), { includeTop: false })).rejects.toThrow(/--no-top is for weights-only files/);
    await expect(importModelFile(file('mobilenet_2_5_128_tf_no_top.h5'), { includeTop: true })).rejects.toThrow(/has no "conv_preds" layer/);
  });
});
