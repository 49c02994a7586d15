// export --format tfjs-layers (backend-tfjs's toLayersModel, then saveLayersModelFiles): what is written is opened by tfjs-layers' own loader
// (tf.loadLayersModel, the independent reader) and predicts what our backends compute on the same
// weights; importing it back gives the same graph outputs.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import type { Graph, Weights, } from '@mobilenet-kit/core';
import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import { importModelFile, saveLayersModelFiles } from '@mobilenet-kit/convert/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ourClassifier, runOnCpu } from './our-classifier';
import { layersPredict, loadLayersModelFromDir, maxAbsDiff, randomInput, tf, tfl } from './fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-export-'));
  await tf.setBackend('cpu');
  registerCpuBackend();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


/** What `mobilenet-kit export --format tfjs-layers` does: the graph as a tfjs-layers model, saved as files. */
async function exportTfjsLayers(graph: Graph, weights: Weights, out: string) {
  const { model } = toLayersModel(graph, weights, tf, tfl);
  try {
    return await saveLayersModelFiles(model, out, { tf, convertedBy: 'mobilenet-kit export --format tfjs-layers' });
  } finally {
    model.dispose();
  }
}

describe('export --format tfjs-layers', () => {
  it('writes model.json and weights.bin that tf.loadLayersModel opens and that predict what we compute (max |Δ| ≤ 1e-5)', async () => {
    const { graph, weights } = ourClassifier(7);
    const out = path.join(dir, 'pets-layers');
    const before = tf.memory().numTensors;
    const { files } = await exportTfjsLayers(graph, weights, out);
    expect(tf.memory().numTensors).toBe(before);
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(files.map((f) => path.basename(f))).toEqual(['weights.bin', 'model.json']);
    const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'layers-model', convertedBy: 'mobilenet-kit export --format tfjs-layers' });
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v4\./);
    const classes = (json.modelTopology.model_config?.config?.layers ?? json.modelTopology.config.layers).map((l: { class_name: string }) => l.class_name);
    expect(new Set(classes)).toEqual(new Set(['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'ReLU', 'GlobalAveragePooling2D', 'Dropout', 'Dense', 'Softmax']));

    const input = randomInput(2, 64);
    const loaded = await loadLayersModelFromDir(out);
    const expected = await layersPredict(loaded, input);
    loaded.dispose();
    const actual = await runOnCpu(graph, weights, input, 'predictions');
    const d = maxAbsDiff(actual, expected);
    console.log(`export tfjs-layers: max |Δ| ours (cpu) vs tf.loadLayersModel predict: ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('imports back (mobilenet-kit import): recognised as α 0.25-64 with 3 classes, the same outputs', async () => {
    const { graph, weights } = ourClassifier(7);
    const out = path.join(dir, 'round-trip');
    await exportTfjsLayers(graph, weights, out);
    const back = await importModelFile(path.join(out, 'model.json'), { labels: ['cat', 'dog', 'bird'] });
    expect(back.recognized).toMatchObject({ alpha: 0.25, resolution: 64, classes: 3 });
    expect(back.metadata).toMatchObject({ labels: ['cat', 'dog', 'bird'] });
    const input = randomInput(1, 64);
    const original = await runOnCpu(graph, weights, input, 'predictions');
    const again = await runOnCpu(back.graph, back.weights, input, back.metadata.output as string);
    expect(maxAbsDiff(again, original)).toBeLessThanOrEqual(1e-6);
  });
});
