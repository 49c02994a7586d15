// Keras .h5 export (backend-tfjs's toLayersModel, then saveKerasH5): the file is read back with h5wasm
// directly (the HDF5 library, not our importer) and must show the layout Keras's save_model_to_hdf5
// writes; importing it back gives the same model (same recognised architecture, same outputs).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import type { Graph, Weights, } from '@mobilenet-kit/core';
import { OutputPathError } from '@mobilenet-kit/core/node';
import { importModelFile, saveKerasH5 } from '@mobilenet-kit/convert/node';
import * as h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ourClassifier, runOnCpu } from './our-classifier';
import { maxAbsDiff, randomInput, tf, tfl } from './fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-h5-export-'));
  await tf.setBackend('cpu');
  registerCpuBackend();
  await h5wasm.ready;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


/** What `mobilenet-kit export --format keras-h5` does. With `inspect`, the tfjs-layers model is looked at before it is disposed. */
async function exportH5<T>(graph: Graph, weights: Weights, file: string, inspect?: (model: tfl.LayersModel) => T): Promise<{ saved: Awaited<ReturnType<typeof saveKerasH5>>; seen?: T }> {
  const { model } = toLayersModel(graph, weights, tf, tfl);
  try {
    const saved = await saveKerasH5(model, file, { tf });
    return { saved, ...(inspect ? { seen: inspect(model) } : {}) };
  } finally {
    model.dispose();
  }
}

/** An attribute's value and HDF5 string type, read with h5wasm. */
function attr(g: h5wasm.Group, name: string) {
  const a = g.attrs[name];
  if (!a) throw new Error(`no attribute "${name}" on "${g.path}" (has ${Object.keys(g.attrs).join(', ')})`);
  return { value: g.get_attribute(name, false) as unknown, type: a.metadata.type, vlen: a.metadata.vlen, cset: a.metadata.cset, shape: a.metadata.shape };
}
const H5T_STRING = 3;
const H5T_FLOAT = 1;

describe('export --format keras-h5 (saveKerasH5)', () => {
  it("writes Keras's whole-model layout: root model_config / keras_version / backend, model_weights with layer_names, each layer's weight_names and float32 datasets equal to the weights", async () => {
    const { graph, weights } = ourClassifier(11);
    const file = path.join(dir, 'pets.h5');
    const before = tf.memory().numTensors;
    const { saved, seen } = await exportH5(graph, weights, file, (model) => ({
      layers: model.layers.map((l) => ({
        name: l.name,
        weights: l.weights.map((w, i) => ({ name: `${w.originalName}:0`, shape: [...w.shape], data: Float32Array.from(l.getWeights()[i]!.dataSync() as Float32Array) })),
      })),
    }));
    expect(tf.memory().numTensors).toBe(before);
    expect(await readdir(dir)).toEqual(['pets.h5']);
    const layers = seen!.layers;
    expect(saved.layers).toEqual(layers.map((l) => l.name));
    expect(saved.weights).toBe(layers.reduce((a, l) => a + l.weights.length, 0));

    const f = new h5wasm.File(file, 'r');
    try {
      // Root: what save_model_to_hdf5 writes from model_metadata (no training_config: no optimizer).
      expect(f.keys()).toEqual(['model_weights']);
      expect(Object.keys(f.attrs).sort()).toEqual(['backend', 'keras_version', 'model_config']);
      const config = attr(f, 'model_config');
      // json.dumps(...).encode('utf8'): a fixed-length byte string; keras_version and backend are Python str (variable-length).
      expect(config).toMatchObject({ type: H5T_STRING, vlen: false, cset: 0, shape: [] });
      expect(attr(f, 'keras_version')).toMatchObject({ value: '2.15.0', type: H5T_STRING, vlen: true });
      expect(attr(f, 'backend')).toMatchObject({ value: 'tensorflow', type: H5T_STRING, vlen: true });
      const modelConfig = JSON.parse(config.value as string) as { class_name: string; config: { layers: { name: string; class_name: string }[] } };
      expect(Object.keys(modelConfig).sort()).toEqual(['class_name', 'config']);
      expect(modelConfig.class_name).toBe('Model');
      expect(modelConfig.config.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));

      const mw = f.get('model_weights') as h5wasm.Group;
      expect(Object.keys(mw.attrs).sort()).toEqual(['backend', 'keras_version', 'layer_names']);
      const layerNames = attr(mw, 'layer_names');
      expect(layerNames).toMatchObject({ type: H5T_STRING, vlen: false, cset: 0, shape: [layers.length] });
      expect(layerNames.value).toEqual(layers.map((l) => l.name));
      expect(layerNames.value).toEqual(expect.arrayContaining(['input', 'conv1', 'conv1_bn', 'conv1_relu', 'conv_dw_13', 'conv_pw_13_bn', 'logits', 'predictions']));
      expect(attr(mw, 'backend')).toMatchObject({ value: 'tensorflow', vlen: false });
      expect(attr(mw, 'keras_version')).toMatchObject({ value: '2.15.0', vlen: false });
      expect(mw.keys().sort()).toEqual(layers.map((l) => l.name).sort());

      let datasets = 0;
      for (const layer of layers) {
        const g = mw.get(layer.name) as h5wasm.Group;
        const names = attr(g, 'weight_names');
        if (layer.weights.length === 0) {
          // h5py stores Keras's empty list as an empty float64 array.
          expect(names).toMatchObject({ type: H5T_FLOAT, shape: [0] });
          expect(g.keys()).toEqual([]);
          continue;
        }
        expect(names).toMatchObject({ type: H5T_STRING, vlen: false, shape: [layer.weights.length] });
        expect(names.value).toEqual(layer.weights.map((w) => w.name));
        // `conv1/kernel:0` inside group conv1: the intermediate group conv1/conv1.
        expect(g.keys()).toEqual([layer.name]);
        for (const w of layer.weights) {
          const d = f.get(`model_weights/${layer.name}/${w.name}`) as h5wasm.Dataset;
          expect(d, w.name).toBeInstanceOf(h5wasm.Dataset);
          expect(d.dtype).toBe('<f');
          expect(d.shape).toEqual(w.shape);
          expect(d.value as Float32Array).toEqual(w.data);
          datasets++;
        }
      }
      // Every parameter of the graph is in the file: BN gamma, beta, moving_mean, moving_variance in Keras's order.
      expect(datasets).toBe(weights.size);
      expect(attr(mw.get('conv_pw_5_bn') as h5wasm.Group, 'weight_names').value).toEqual(['conv_pw_5_bn/gamma:0', 'conv_pw_5_bn/beta:0', 'conv_pw_5_bn/moving_mean:0', 'conv_pw_5_bn/moving_variance:0']);
      // And the values are ours: the IR's weights, unchanged.
      expect((f.get('model_weights/conv_dw_3/conv_dw_3/depthwise_kernel:0') as h5wasm.Dataset).value as Float32Array).toEqual(weights.get('conv_dw_3/depthwise_kernel')!.data);
      expect((f.get('model_weights/logits/logits/kernel:0') as h5wasm.Dataset).value as Float32Array).toEqual(weights.get('logits/kernel')!.data);
    } finally {
      f.close();
    }
  });

  it('imports back (ours → .h5 → ours): recognised as α 0.25-64 with 3 classes, every weight the same, the same outputs on cpu', async () => {
    const { graph, weights } = ourClassifier(11);
    const file = path.join(dir, 'round-trip.h5');
    await exportH5(graph, weights, file);
    const back = await importModelFile(file, { labels: ['cat', 'dog', 'bird'] });
    expect(back.recognized).toMatchObject({ alpha: 0.25, resolution: 64, classes: 3 });
    expect(back.metadata).toMatchObject({ labels: ['cat', 'dog', 'bird'] });
    expect([...back.weights.keys()].sort()).toEqual([...weights.keys()].sort());
    for (const [name, w] of back.weights) {
      expect(w.shape, name).toEqual(weights.get(name)!.shape);
      expect(w.data, name).toEqual(weights.get(name)!.data);
    }
    const input = randomInput(2, 64);
    const original = await runOnCpu(graph, weights, input, 'predictions');
    const again = await runOnCpu(back.graph, back.weights, input, back.metadata.output as string);
    const d = maxAbsDiff(again, original);
    console.log(`export keras-h5: max |Δ| ours vs ours → .h5 → import (cpu): ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it("the backbone builder's MobileNet with Keras's top (conv_preds, 7 classes) round-trips", async () => {
    const graph = mobilenetV1({ alpha: 0.25, resolution: 96, classes: 7 });
    const weights = initializeWeights(graph, { seed: 4 });
    const file = path.join(dir, 'mobilenet_0.25_96.h5');
    await exportH5(graph, weights, file);
    const back = await importModelFile(file);
    expect(back.recognized).toMatchObject({ alpha: 0.25, resolution: 96, classes: 7 });
    const input = randomInput(1, 96);
    const d = maxAbsDiff(await runOnCpu(back.graph, back.weights, input, back.metadata.output as string), await runOnCpu(graph, weights, input, graph.outputs[0]!.name));
    console.log(`export keras-h5: mobilenetV1 0.25-96 with top, max |Δ| after the round trip (cpu): ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('takes the save artifacts as well as the model; writing over a file replaces it whole', async () => {
    const { graph, weights } = ourClassifier(11);
    const { model } = toLayersModel(graph, weights, tf, tfl);
    let artifacts: unknown;
    try {
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          artifacts = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
    } finally {
      model.dispose();
    }
    const file = path.join(dir, 'from-artifacts.h5');
    await exportH5(graph, initializeWeights(graph, { seed: 99 }), file);
    const saved = await saveKerasH5(artifacts as Parameters<typeof saveKerasH5>[0], file);
    expect(saved.weights).toBe(weights.size);
    const back = await importModelFile(file);
    expect(back.weights.get('conv1/kernel')!.data).toEqual(weights.get('conv1/kernel')!.data);
    expect((await readdir(dir)).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('a folder that does not exist is an OutputPathError naming it, and nothing is written', async () => {
    const { graph, weights } = ourClassifier(11);
    const missing = path.join(dir, 'no-such-folder');
    const before = await readdir(dir);
    await expect(exportH5(graph, weights, path.join(missing, 'x.h5'))).rejects.toThrow(OutputPathError);
    await expect(exportH5(graph, weights, path.join(missing, 'x.h5'))).rejects.toThrow(/x\.h5.*its folder ".*no-such-folder" does not exist/);
    await expect(exportH5(graph, weights, dir)).rejects.toThrow(/is a folder; give the \.h5 file to write/);
    expect(await readdir(dir)).toEqual(before);
  });

  it('a model without a save handler argument is refused, naming what is missing', async () => {
    const { graph, weights } = ourClassifier(11);
    const { model } = toLayersModel(graph, weights, tf, tfl);
    try {
      await expect(saveKerasH5(model, path.join(dir, 'no-tf.h5'))).rejects.toThrow(/pass \{ tf \}/);
    } finally {
      model.dispose();
    }
    await expect(saveKerasH5({ modelTopology: { class_name: 'Model', config: { layers: [] } }, weightSpecs: [{ name: 'x/kernel', shape: [2], dtype: 'int32' }], weightData: new ArrayBuffer(8) }, path.join(dir, 'int.h5'))).rejects.toThrow(
      /weight "x\/kernel" is int32/,
    );
    expect((await readdir(dir)).filter((f) => f.startsWith('no-tf') || f.startsWith('int'))).toEqual([]);
  });
});
