// tfjs graph model import: every fixture is also run by tfjs-converter's loadGraphModel (the independent
// executor) on the same files, and our imported model must give its logits.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { type Graph, GraphBuilder, ModelFormatError, compile } from '@mobilenet-kit/core';
import { loadModel } from '@mobilenet-kit/core/node';
import { BACKGROUND_CLASS, IMAGENET_CLASSES } from '@mobilenet-kit/convert';
import { importModelFile, saveImported } from '@mobilenet-kit/convert/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomInput } from './fixtures';
import { loadGraphModelFromDir, tf, writeGraphModel } from './graph-fixtures';

let dir: string;
const R = 96;
const fused = () => path.join(dir, 'fused');
const batchnorm = () => path.join(dir, 'batchnorm');
let names: Record<'fused' | 'batchnorm', { input: string; logits: string; output: string }>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-graph-'));
  await tf.setBackend('cpu');
  names = {
    fused: await writeGraphModel(fused(), { alpha: 0.25, resolution: R, classes: 1001, layout: 'fused', seed: 5 }),
    batchnorm: await writeGraphModel(batchnorm(), { alpha: 0.25, resolution: R, classes: 1001, layout: 'batchnorm', seed: 9, shards: 3 }),
  };
  registerCpuBackend();
  registerWasmBackend({ threads: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The imported graph with the softmax's input (the logits) as an extra output. */
function withLogits(graph: Graph): { graph: Graph; logits: string } {
  const softmax = graph.nodes.find((n) => n.op === 'activation' && n.attrs.fn === 'softmax')!;
  const b = new GraphBuilder(graph.name, graph);
  for (const o of graph.outputs) b.output(o.node, o.name);
  b.output(softmax.inputs[0]!, 'test/logits');
  return { graph: b.build(), logits: 'test/logits' };
}

describe('tfjs graph model import (TF-slim MobileNet v1)', () => {
  it('recognises α, resolution, the 1001 classes with the background class, and the preprocessing', async () => {
    const a = await importModelFile(fused());
    expect(a.format).toBe('tfjs-graph');
    expect(a.recognized).toMatchObject({ alpha: 0.25, resolution: R, variant: 'standard', layers: 27, top: 'keras', classes: 1001 });
    expect(a.metadata).toMatchObject({ task: 'classification', output: 'predictions', labels: [BACKGROUND_CLASS, ...IMAGENET_CLASSES], preprocessing: { normalization: { divisor: 127.5, offset: -1 } } });
    expect(a.report.join('\n')).toMatch(/α 0\.25, 96×96.*1001 classes[\s\S]*background[\s\S]*pixels \/ 127\.5 − 1[\s\S]*hub_input/);
    expect(a.graph.outputs.map((o) => o.name)).toEqual(['predictions', names.fused.logits]);
    const b = await importModelFile(batchnorm());
    expect(b.recognized).toMatchObject({ alpha: 0.25, resolution: R, layers: 27, classes: 1001 });
    expect(b.metadata).toMatchObject({ output: names.batchnorm.output, preprocessing: { normalization: { divisor: 127.5, offset: -1 } } });
    expect(b.graph.nodes.filter((n) => n.op === 'batchNorm')).toHaveLength(27);
  });

  for (const layout of ['fused', 'batchnorm'] as const) {
    for (const [backend, tol] of [['cpu', 1e-4], ['wasm', 1e-3]] as const) {
      it(`${layout}: on ${backend} the logits are loadGraphModel's (max |Δ| ≤ ${tol}), and no tensor is left behind`, async () => {
        const modelDir = layout === 'fused' ? fused() : batchnorm();
        const { logits: tfLogits, output: tfOutput } = names[layout];
        // Two unlike images: noise, and a smooth pattern (noise alone averages out in the global pool).
        const x = randomInput(2, R, layout === 'fused' ? 21 : 23);
        const one = R * R * 3;
        for (let i = 0; i < one; i++) x.data[one + i] = 0.9 * Math.sin(i / 97 + (i % 3));
        // TF Hub's graph takes [0, 1] images and scales them itself; the imported model takes the scaled ones.
        const fileInput = layout === 'fused' ? { shape: x.shape, data: x.data.map((v) => (v + 1) / 2) } : x;
        await tf.setBackend('cpu');
        const before = tf.memory().numTensors;
        const ref = await loadGraphModelFromDir(modelDir);
        const t = tf.tensor(fileInput.data, fileInput.shape);
        const [refLogits, refOut] = ref.execute(t, [tfLogits, tfOutput]) as tf.Tensor[];
        const expectedLogits = (await refLogits!.data()) as Float32Array;
        const expectedOut = (await refOut!.data()) as Float32Array;
        const predicted = ref.predict(t) as tf.Tensor;
        expect(maxAbsDiff(await predicted.data(), expectedOut)).toBe(0);
        tf.dispose([t, refLogits!, refOut!, predicted]);
        ref.dispose();

        const imported = await importModelFile(modelDir);
        const { graph, logits } = withLogits(imported.graph);
        const model = await compile(graph, imported.weights, { backend });
        const out = await model.run({ [imported.metadata.input as string]: x });
        model.dispose();
        await tf.setBackend('cpu');
        // The logits depend on the image (not only on the biases): the two images' differ far beyond the tolerance.
        const half = expectedLogits.length / 2;
        const spread = maxAbsDiff(expectedLogits.subarray(0, half), expectedLogits.subarray(half));
        expect(spread).toBeGreaterThan(100 * tol);
        const d = maxAbsDiff(out[logits]!.data as Float32Array, expectedLogits);
        const dOut = maxAbsDiff(out[tfOutput]!.data as Float32Array, expectedOut);
        console.log(`tfjs graph model (${layout}), ${backend}: max |Δ| logits ${d.toExponential(2)} (|logit| up to ${Math.max(...expectedLogits.map(Math.abs)).toFixed(2)}, images differ by ${spread.toFixed(2)}), ${tfOutput} ${dOut.toExponential(2)}`);
        expect(d).toBeLessThanOrEqual(tol);
        expect(dOut).toBeLessThanOrEqual(tol);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('writes a model folder that core loads back with the same weights and metadata', async () => {
    const imported = await importModelFile(batchnorm());
    const out = path.join(dir, 'imported');
    await saveImported(out, imported);
    const loaded = await loadModel(out);
    expect(loaded.metadata).toMatchObject({ task: 'classification', labels: [BACKGROUND_CLASS, ...IMAGENET_CLASSES] });
    for (const [name, w] of imported.weights) expect(maxAbsDiff(loaded.weights.get(name)!.data, w.data)).toBe(0);
  });
});

describe('tfjs graph model import: bad files', () => {
  const variant = async (name: string, edit: (json: any) => void, shard?: (b: Buffer, i: number) => Buffer) => {
    const src = batchnorm();
    const target = path.join(dir, name);
    const json = JSON.parse(await readFile(path.join(src, 'model.json'), 'utf8'));
    const paths: string[] = json.weightsManifest[0].paths;
    edit(json);
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, 'model.json'), JSON.stringify(json));
    for (const [i, p] of paths.entries()) {
      const bytes = await readFile(path.join(src, p));
      await writeFile(path.join(target, p), shard ? shard(bytes, i) : bytes);
    }
    return target;
  };
  const node = (json: any, name: string) => json.modelTopology.node.find((n: any) => n.name === name);

  it('an op the IR cannot express names the node and the op', async () => {
    const f = await variant('unknown-op', (j) => {
      node(j, 'MobilenetV1/MobilenetV1/Conv2d_5_pointwise/Relu6').op = 'Elu';
    });
    await expect(importModelFile(f)).rejects.toThrow(/node "MobilenetV1\/MobilenetV1\/Conv2d_5_pointwise\/Relu6" \(Elu\): this op is not read/);
  });
  it('a truncated shard names the file, the weight and the bytes', async () => {
    const f = await variant('truncated', () => {}, (b, i) => (i === 2 ? b.subarray(0, b.length - 100) : b));
    const error = await importModelFile(f).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/group1-shard3of3\.bin.*truncated.*weight "[^"]+" needs bytes \d+\.\.\d+ of the group, the data ends at \d+/);
  });
  it('a weight whose shape disagrees with the layer names the node, the weight and both shapes', async () => {
    const f = await variant('wrong-shape', (j) => {
      const w = j.weightsManifest[0].weights.find((e: any) => e.name === 'MobilenetV1/Conv2d_3_pointwise/weights');
      w.shape = [1, 1, 16, 16];
      node(j, 'MobilenetV1/Conv2d_3_pointwise/weights').attr.value.tensor.tensorShape = { dim: [1, 1, 16, 16].map((d) => ({ size: String(d) })) };
    });
    await expect(importModelFile(f)).rejects.toThrow(/node "MobilenetV1\/MobilenetV1\/Conv2d_3_pointwise\/Conv2D" \(Conv2D\): weight "MobilenetV1\/Conv2d_3_pointwise\/weights" has shape \[1, 1, 16, 16\] in the file, the layer needs \[1, 1, 32, 16\]/);
  });
  it('a Const node whose declared shape disagrees with the manifest is refused', async () => {
    const f = await variant('const-shape', (j) => {
      node(j, 'MobilenetV1/Conv2d_0/weights').attr.value.tensor.tensorShape = { dim: [3, 3, 3, 16].map((d) => ({ size: String(d) })) };
    });
    await expect(importModelFile(f)).rejects.toThrow(/node "MobilenetV1\/Conv2d_0\/weights" \(Const\): declares shape \[3, 3, 3, 16\], the weights manifest has \[3, 3, 3, 8\]/);
  });
  it('a missing weight names it', async () => {
    const f = await variant('missing-weight', (j) => {
      const ws = j.weightsManifest[0].weights;
      const k = ws.findIndex((e: any) => e.name === 'MobilenetV1/Conv2d_7_depthwise/BatchNorm/beta');
      // Keep the byte layout: the entry is renamed, so the Const node has none.
      ws[k].name = 'unused/beta';
    });
    await expect(importModelFile(f)).rejects.toThrow(/weight "MobilenetV1\/Conv2d_7_depthwise\/BatchNorm\/beta".*has no entry in the weights manifest/);
  });
  it('a graph without TF-slim MobilenetV1 nodes is refused, naming what was found', async () => {
    const f = await variant('renamed', (j) => {
      const rename = (s: string) => s.replace(/MobilenetV1/g, 'Net');
      for (const n of j.modelTopology.node) {
        n.name = rename(n.name);
        if (n.input) n.input = n.input.map(rename);
      }
      for (const w of j.weightsManifest[0].weights) w.name = rename(w.name);
    });
    await expect(importModelFile(f)).rejects.toThrow(/no MobileNet v1 found: no node lies in a TF-slim MobilenetV1\/Conv2d_N scope.*"Net\/Net\/Conv2d_0\/Conv2D"/);
  });
  it("TF 1's weights/read Identity nodes between a Const and its layer are read through", async () => {
    const f = await variant('read', (j) => {
      const conv = node(j, 'MobilenetV1/MobilenetV1/Conv2d_0/Conv2D');
      j.modelTopology.node.push({ name: 'MobilenetV1/Conv2d_0/weights/read', op: 'Identity', input: [conv.input[1]], attr: { T: { type: 'DT_FLOAT' } } });
      conv.input[1] = 'MobilenetV1/Conv2d_0/weights/read';
    });
    const [a, b] = [await importModelFile(f), await importModelFile(batchnorm())];
    expect(maxAbsDiff(a.weights.get('conv1/kernel')!.data, b.weights.get('conv1/kernel')!.data)).toBe(0);
  });
  it("a signature's outputs choose the output (here the logits: a softmax is added before them)", async () => {
    const f = await variant('signature', (j) => {
      j.signature = { inputs: { images: { name: 'input:0' } }, outputs: { logits: { name: 'MobilenetV1/Logits/SpatialSqueeze:0' } } };
    });
    const imported = await importModelFile(f);
    expect(imported.graph.outputs.map((o) => o.name)).toEqual(['predictions', 'MobilenetV1/Logits/SpatialSqueeze']);
    expect(imported.metadata).toMatchObject({ task: 'classification', output: 'predictions' });
  });
  it('an input without a fixed size needs the resolution, which then builds the model', async () => {
    const f = await variant('any-size', (j) => {
      node(j, 'input').attr.shape.shape = { dim: [-1, -1, -1, 3].map((d) => ({ size: String(d) })) };
    });
    await expect(importModelFile(f)).rejects.toThrow(/node "input" \(Placeholder\): has shape \[-1, -1, -1, 3\]: no fixed height and width; give the resolution/);
    expect((await importModelFile(f, { resolution: R })).recognized).toMatchObject({ alpha: 0.25, resolution: R, classes: 1001 });
  });
  it('a per-channel Mul after a layer (an op pattern the IR does not read) names the node and op', async () => {
    const f = await variant('mul', (j) => {
      const relu = node(j, 'MobilenetV1/MobilenetV1/Conv2d_2_depthwise/Relu6');
      const pw = node(j, 'MobilenetV1/MobilenetV1/Conv2d_2_pointwise/Conv2D');
      j.modelTopology.node.push({ name: 'MobilenetV1/MobilenetV1/Conv2d_2_depthwise/scale', op: 'Mul', input: [relu.name, 'MobilenetV1/Conv2d_2_depthwise/BatchNorm/gamma'], attr: {} });
      pw.input[0] = 'MobilenetV1/MobilenetV1/Conv2d_2_depthwise/scale';
    });
    await expect(importModelFile(f)).rejects.toThrow(/node "MobilenetV1\/MobilenetV1\/Conv2d_2_depthwise\/scale" \(Mul\): a Mul of a computed tensor and a constant is read only as the bias/);
  });
  it('a layers model.json handed to importTfjsGraph, and a graph model to importTfjsLayers, say which importer to use', async () => {
    const { importTfjsGraph, importTfjsLayers } = await import('@mobilenet-kit/convert');
    const read = async () => new Uint8Array();
    await expect(importTfjsGraph({ format: 'layers-model', modelTopology: {} }, read)).rejects.toThrow(/use importTfjsLayers/);
    await expect(importTfjsLayers({ format: 'graph-model', modelTopology: { node: [] } }, read)).rejects.toThrow(/use importTfjsGraph/);
  });
});
