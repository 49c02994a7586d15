// ONNX import: every imported model is run next to onnxruntime-node on the same file (the
// independent executor) and must give its outputs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { type Graph, ModelFormatError, type Weights, compile } from '@mobilenet-kit/core';
import { importModelFile } from '@mobilenet-kit/convert/node';
import { type ModelProto, type NodeProto, encodeOnnx, toOnnx, toOnnxModel } from '@mobilenet-kit/onnx';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-onnx-'));
  registerCpuBackend();
  registerWasmBackend({ threads: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A MobileNet 0.25-96 with a 5-class classifier, random weights and batch-norm statistics away from 0 / 1. */
function model(): { graph: Graph; weights: Weights } {
  const graph = mobilenetV1({ alpha: 0.25, resolution: 96, classes: 5 });
  const weights = new Map(
    [...initializeWeights(graph, { seed: 11 })].map(([name, w]) =>
      /moving_(mean|variance)$/.test(name) ? [name, { shape: w.shape, data: w.data.map((_, i) => (name.endsWith('variance') ? 0.6 + (i % 5) / 10 : ((i % 7) - 3) / 20)) }] : [name, w],
    ),
  );
  return { graph, weights };
}

const image = (nchw: boolean) => {
  const data = Float32Array.from({ length: 2 * 96 * 96 * 3 }, (_, i) => Math.sin(i / 13));
  return { nhwc: { shape: [2, 96, 96, 3], data }, file: nchw ? nhwcToNchw(data) : data, fileShape: nchw ? [2, 3, 96, 96] : [2, 96, 96, 3] };
};
function nhwcToNchw(d: Float32Array): Float32Array {
  const out = new Float32Array(d.length);
  for (let n = 0; n < 2; n++) for (let y = 0; y < 96; y++) for (let x = 0; x < 96; x++) for (let c = 0; c < 3; c++) out[((n * 3 + c) * 96 + y) * 96 + x] = d[((n * 96 + y) * 96 + x) * 3 + c]!;
  return out;
}

/** Our import of `bytes` on `backend` against onnxruntime-node running the same bytes. */
async function compare(bytes: Uint8Array, name: string, backend: string, nchwInput = false): Promise<{ worst: number; recognized: unknown }> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const imported = await importModelFile(file);
  const img = image(nchwInput);
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const inputName = session.inputNames[0]!;
  const expected = (await session.run({ [inputName]: new ort.Tensor('float32', img.file, img.fileShape) }))[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  const compiled = await compile(imported.graph, imported.weights, { backend });
  const actual = (await compiled.run({ [imported.metadata.input as string]: img.nhwc }))[imported.metadata.output as string]!.data;
  compiled.dispose();
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return { worst, recognized: imported.recognized };
}

/** Edits an exported model the way other producers lay the same network out. */
function edit(m: ModelProto, change: (nodes: NodeProto[], m: ModelProto) => NodeProto[]): Uint8Array {
  return encodeOnnx({ ...m, graph: { ...m.graph, node: change([...m.graph.node], m) } });
}

describe('ONNX import', () => {
  for (const layout of ['nchw', 'nhwc'] as const) {
    for (const [backend, tol] of [['cpu', 1e-4], ['wasm', 1e-4]] as const) {
      it(`the file mobilenet-kit export writes (${layout} inside): recognised, and on ${backend} it computes what onnxruntime computes (max |Δ| ≤ ${tol})`, async () => {
        const { graph, weights } = model();
        const { worst, recognized } = await compare(toOnnx(graph, weights, { layout }), `export-${layout}.onnx`, backend);
        console.log(`onnx import (${layout}, ${backend}): max |Δ| vs onnxruntime ${worst.toExponential(2)}`);
        expect(recognized).toMatchObject({ alpha: 0.25, resolution: 96, classes: 5, layers: 27 });
        expect(worst).toBeLessThanOrEqual(tol);
      });
    }
  }

  it('BatchNormalization nodes (batch norm not folded, as tf2onnx and PyTorch write them)', async () => {
    const { graph, weights } = model();
    const m = toOnnxModel(graph, weights, { optimize: false });
    expect(m.graph.node.some((n) => n.op_type === 'BatchNormalization')).toBe(true);
    const { worst } = await compare(encodeOnnx(m), 'bn.onnx', 'cpu');
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('ReduceMean for the pool and MatMul + Add for the classifier (tf2onnx\'s layout of Keras layers)', async () => {
    const { graph, weights } = model();
    const m = toOnnxModel(graph, weights);
    const bytes = edit(m, (nodes) => {
      const out: NodeProto[] = [];
      for (const n of nodes) {
        if (n.op_type === 'GlobalAveragePool') out.push({ ...n, op_type: 'ReduceMean', attribute: [{ name: 'axes', type: 7, ints: [2, 3] }, { name: 'keepdims', type: 2, i: 1 }] });
        else if (n.op_type === 'Gemm') {
          const [a, w, c] = n.input as [string, string, string];
          // Gemm(A, W, C) with transB = 0 (W is [in, out]) → MatMul(A, W) + C.
          expect(n.attribute.find((x) => x.name === 'transB')?.i ?? 0).toBe(0);
          out.push({ name: `${n.name}/matmul`, op_type: 'MatMul', input: [a, w], output: [`${n.output[0]}_mm`], attribute: [] });
          out.push({ name: `${n.name}/add`, op_type: 'Add', input: [`${n.output[0]}_mm`, c], output: [...n.output], attribute: [] });
        } else out.push(n);
      }
      return out;
    });
    const { worst } = await compare(bytes, 'reduce-matmul.onnx', 'cpu');
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('an NCHW image input (PyTorch\'s layout): the imported model takes NHWC images and computes the same', async () => {
    const { graph, weights } = model();
    const m = toOnnxModel(graph, weights);
    const first = m.graph.node[0]!;
    expect(first.op_type).toBe('Transpose');
    const input = m.graph.input[0]!;
    const dims = input.type.tensor_type.shape.dim;
    const bytes = encodeOnnx({
      ...m,
      graph: {
        ...m.graph,
        input: [{ ...input, type: { tensor_type: { ...input.type.tensor_type, shape: { dim: [dims[0]!, dims[3]!, dims[1]!, dims[2]!] } } } }, ...m.graph.input.slice(1)],
        node: [{ ...first, op_type: 'Identity', attribute: [] }, ...m.graph.node.slice(1)],
      },
    });
    const { worst } = await compare(bytes, 'nchw-input.onnx', 'cpu', true);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('bad files: not ONNX, a NaN weight, an op it does not read, explicit pads that are not TF same', async () => {
    const { graph, weights } = model();
    const write = async (name: string, bytes: Uint8Array) => {
      await writeFile(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    await expect(importModelFile(await write('junk.onnx', new TextEncoder().encode('not a protobuf at all, just text')))).rejects.toThrow(ModelFormatError);
    const m = toOnnxModel(graph, weights);
    const lrn = edit(m, (nodes) => nodes.map((n) => (n.op_type === 'Softmax' ? { ...n, op_type: 'LRN' } : n)));
    await expect(importModelFile(await write('lrn.onnx', lrn))).rejects.toThrow(/lrn\.onnx.*node "predictions\w*" \(LRN\): this op is not read/);
    const nan = toOnnxModel(graph, weights);
    const kernel = nan.graph.initializer.find((t) => t.name.startsWith('conv1'))!;
    const raw = new Float32Array(kernel.raw_data.slice().buffer);
    raw[5] = Number.NaN;
    kernel.raw_data = new Uint8Array(raw.buffer);
    await expect(importModelFile(await write('nan.onnx', encodeOnnx(nan)))).rejects.toThrow(/nan\.onnx.*initializer "conv1[^"]*" \[.*\] is not finite at index 5 \[.*\] \(NaN\)/);
    const pads = edit(m, (nodes) => nodes.map((n, i) => (n.op_type === 'Conv' && i < 3 ? { ...n, attribute: n.attribute.map((a) => (a.name === 'pads' ? { ...a, ints: [1, 1, 1, 1] } : a)) } : n)));
    await expect(importModelFile(await write('pads.onnx', pads))).rejects.toThrow(/pads \[1,1,1,1\] \(auto_pad NOTSET\) are neither TF 'same' \(\[0, 0, 1, 1\]\) nor 'valid'/);
  });
});
