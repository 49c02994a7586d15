import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { GraphBuilder, type HostTensor } from '@mobilenet-kit/core';
import { loadModel, saveModel } from '@mobilenet-kit/core/node';
import { runReference } from '@mobilenet-kit/core/reference';
import { encodePng } from '@mobilenet-kit/image';
import { decodeOnnx } from '@mobilenet-kit/onnx';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the file in onnxruntime-node and returns the largest difference from the reference interpreter. */
async function worstDifference(file: string, expected: Record<string, HostTensor>, inputs: Record<string, HostTensor>): Promise<number> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, new ort.Tensor('float32', v.data, [...v.shape])]));
  const out = await session.run(feeds);
  await session.release();
  let worst = 0;
  for (const [name, e] of Object.entries(expected)) {
    expect([...out[name]!.dims]).toEqual([...e.shape]);
    const a = out[name]!.data as Float32Array;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e.data[i]!));
  }
  return worst;
}

describe('mobilenet-kit export', () => {
  it('--alpha 0.25 --resolution 128: an ONNX file that computes what the IR computes (within 1e-4), written atomically', async () => {
    const out = path.join(dir, 'm.onnx');
    const r = await runCli(['export', '--untrained', '--alpha', '0.25', '--resolution', '128', '--format', 'onnx', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*m\.onnx: 0\.25 MobileNet-128, untrained \(seed 0\) as ONNX opset 13 \(NCHW inside\), \d+\.\d MB/);
    expect(r.stdout).toContain('input  input [?, 128, 128, 3]');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const graph = mobilenetV1({ alpha: 0.25, resolution: 128 });
    const weights = initializeWeights(graph, { seed: 0 });
    const input = { shape: [2, 128, 128, 3], data: Float32Array.from({ length: 2 * 128 * 128 * 3 }, (_, i) => Math.sin(i * 0.37)) };
    const expected = runReference(graph, weights, { input });
    expect(await worstDifference(out, expected, { input })).toBeLessThanOrEqual(1e-4);
  });

  it('a model folder, with --opset and --layout', async () => {
    const b = new GraphBuilder('tiny');
    const c = b.add('conv', 'conv2d', [b.input('image', [null, 9, 9, 3])], { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
    const n = b.add('bn', 'batchNorm', [c], { epsilon: 1e-3 });
    b.output(b.add('emb', 'l2Normalize', [b.add('pool', 'globalAvgPool', [b.add('relu', 'activation', [n], { fn: 'relu6' })], {})], { axis: -1, epsilon: 1e-12 }), 'embedding');
    const graph = b.build();
    const weights = initializeWeights(graph, { seed: 5 });
    await saveModel(path.join(dir, 'tiny'), graph, weights);
    const out = path.join(dir, 'tiny.onnx');
    const r = await runCli(['export', path.join(dir, 'tiny'), '--out', out, '--opset', '18', '--layout', 'nhwc']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const model = decodeOnnx(readFileSync(out));
    expect(model.opset_import[0]!.version).toBe(18);
    expect(model.graph.output.map((o) => o.name)).toEqual(['embedding']);
    const image = { shape: [1, 9, 9, 3], data: Float32Array.from({ length: 243 }, (_, i) => Math.cos(i)) };
    expect(await worstDifference(out, runReference(graph, weights, { image }), { image })).toBeLessThanOrEqual(1e-4);
  });

  it('--format tfjs-layers: a folder that tf.loadLayersModel opens, predicting what the IR computes, and that import reads back', async () => {
    const graph = mobilenetV1({ alpha: 0.25, resolution: 96, classes: 4 });
    const weights = initializeWeights(graph, { seed: 3 });
    await saveModel(path.join(dir, 'm4'), graph, weights);
    const out = path.join(dir, 'm4-tfjs');
    const r = await runCli(['export', path.join(dir, 'm4'), '--format', 'tfjs-layers', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*m4-tfjs\/model\.json and weights\.bin: .* as a tfjs layers model, [\d.]+ MB/);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
    const weightData = new Uint8Array(readFileSync(path.join(out, 'weights.bin'))).buffer;
    await tf.setBackend('cpu');
    const loaded = await tfl.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }) });
    const image = { shape: [1, 96, 96, 3], data: Float32Array.from({ length: 96 * 96 * 3 }, (_, i) => Math.sin(i / 7)) };
    const predicted = tf.tidy(() => (loaded.predict(tf.tensor(image.data, image.shape)) as tf.Tensor).dataSync());
    loaded.dispose();
    const expected = Object.values(runReference(graph, weights, { [graph.nodes[0]!.name]: image }))[0]!.data;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(predicted[i]! - expected[i]!));
    expect(worst).toBeLessThanOrEqual(1e-5);
    const back = await runCli(['import', path.join(out, 'model.json'), '--out', path.join(dir, 'm4-back')]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/α 0\.25, 96×96/);
  });

  it('--format keras-h5: one .h5 file that import reads back with the same weights and outputs, and that classify then runs', async () => {
    const graph = mobilenetV1({ alpha: 0.25, resolution: 96, classes: 4 });
    const weights = initializeWeights(graph, { seed: 8 });
    await saveModel(path.join(dir, 'm4-h5'), graph, weights);
    const out = path.join(dir, 'm4.h5');
    const r = await runCli(['export', path.join(dir, 'm4-h5'), '--format', 'keras-h5', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*m4\.h5: .* as a Keras \.h5 \(\d+ layers, \d+ weights\), [\d.]+ MB/);
    expect(r.stdout).toContain('input  input [?, 96, 96, 3]');
    expect(readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0x89, 0x48, 0x44, 0x46]);

    const back = path.join(dir, 'm4-h5-back');
    writeFileSync(path.join(dir, 'labels.txt'), 'a\nb\nc\nd\n');
    const imported = await runCli(['import', out, '--out', back, '--labels', path.join(dir, 'labels.txt')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/α 0\.25, 96×96/);
    // Ours → .h5 → ours: every weight bit for bit, the outputs those of the original.
    const again = await loadModel(back);
    for (const [name, w] of weights) expect(again.weights.get(name)?.data, name).toEqual(w.data);
    const image = { shape: [1, 96, 96, 3], data: Float32Array.from({ length: 96 * 96 * 3 }, (_, i) => Math.sin(i / 5)) };
    const expected = Object.values(runReference(graph, weights, { [graph.nodes[0]!.name]: image }))[0]!.data;
    const actual = Object.values(runReference(again.graph, again.weights, { [again.graph.nodes[0]!.name]: image }))[0]!.data;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    console.log(`export keras-h5 → import: max |Δ| of the outputs (reference interpreter): ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-6);

    writeFileSync(path.join(dir, 'photo.png'), await encodePng({ width: 40, height: 30, data: Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => (i * 37) % 256) }));
    const c = await runCli(['classify', path.join(dir, 'photo.png'), '--model', back, '--backend', 'cpu', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const results = JSON.parse(c.stdout) as { predictions: { label: string; probability: number }[] }[];
    expect(results[0]!.predictions[0]!.label).toMatch(/^[abcd]$/);
  }, 60_000);

  it.each([
    [['export', '--alpha', '0.25'], /--out FILE is required/],
    [['export', '--alpha', '0.25', '--out', 'x.onnx'], /give a model folder to export .* or --untrained with the model flags for a MobileNet of random weights/],
    [['export', 'some-dir', '--untrained', '--out', 'x.onnx'], /--untrained builds a model from flags; some-dir is a model folder/],
    [['export', '--alpha', '0.25', '--format', 'keras-h5'], /--out FILE is required \(where to write the \.h5 file\)/],
    [['export', '--alpha', '0.25', '--format', 'keras-h5', '--layout', 'nhwc', '--out', 'x.h5'], /--layout apply to --format onnx, not keras-h5/],
    [['export', '--alpha', '0.25', '--format', 'keras-h5', '--out', '/nonexistent-folder/x.h5'], /the folder of --out \/nonexistent-folder\/x\.h5 .* does not exist/],
    [['export', '--alpha', '0.25', '--format', 'keras-h5', '--out', '.'], /--out \. is a folder; --format keras-h5 writes one file \(give its path, e\.g\. model\.h5\)/],
    [['export', '--alpha', '0.25', '--format', 'tfjs-layers'], /--out DIR is required \(the folder for model\.json and weights\.bin\)/],
    [['export', '--alpha', '0.25', '--format', 'tfjs-layers', '--opset', '13', '--out', 'x'], /--opset apply to --format onnx, not tfjs-layers/],
    [['export', '--alpha', '0.25', '--out', '/nonexistent-folder/x.onnx'], /the folder of --out \/nonexistent-folder\/x\.onnx .* does not exist/],
    [['export', 'some-dir', '--alpha', '0.5', '--out', 'x.onnx'], /give a model folder or model flags, not both \(got some-dir and --alpha\)/],
    [['export', '--opset', '23', '--out', 'x.onnx'], /--opset must be an integer from 11 to 22, got 23/],
    [['export', '--opset', '10', '--out', 'x.onnx'], /opset/],
    [['export', '--format', 'tflite', '--out', 'x.onnx'], /tflite/],
  ])('usage errors exit 2 before any work: %j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a model folder that cannot be read exits 1 naming the file, and leaves no file behind', async () => {
    const out = path.join(dir, 'missing.onnx');
    const r = await runCli(['export', path.join(dir, 'no-such-model'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-such-model/);
    expect(readdirSync(dir)).not.toContain('missing.onnx');
  });
});
