import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError, paramSpecs } from '@mobilenet-kit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { WeightImportError, faceApiNameMap, faceApiSsdGraph, importFaceApiSsdWeights, loadFaceDetector } from '../src';
import { BIN_FILE, readBin, readManifest } from './helpers';

type Manifest = { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: { scale: number; min: number; dtype: string } }[] }[];
const manifest = () => structuredClone(readManifest()) as Manifest;
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const bytesOf = (w: Manifest[0]['weights'][0]) => w.shape.reduce((a, b) => a * b, 1) * (w.quantization ? 1 : 4);

/** The manifest and .bin with one entry (and its bytes) removed. */
function without(name: string): { manifest: Manifest; bin: Uint8Array } {
  const m = manifest();
  const bin = readBin();
  let offset = 0;
  for (const w of m[0]!.weights) {
    if (w.name === name) {
      const size = bytesOf(w);
      m[0]!.weights = m[0]!.weights.filter((x) => x.name !== name);
      return { manifest: m, bin: concat(bin.subarray(0, offset), bin.subarray(offset + size)) };
    }
    offset += bytesOf(w);
  }
  throw new Error(`no ${name}`);
}

describe("importer for face-api's ssd_mobilenetv1_model", () => {
  it('maps every tensor onto the graph by name, dequantized (q · scale + min)', async () => {
    const bin = readBin();
    const m = manifest();
    const { weights, graph } = await importFaceApiSsdWeights(m, async () => bin);
    const specs = paramSpecs(graph);
    expect(weights.size).toBe(specs.length);
    // 151 specs = our parameters + the stored anchors + 17 graph constants.
    expect(m[0]!.weights.length).toBe(specs.length + 1 + 17);
    // One value by hand: the first byte of conv1's kernel.
    const entry = m[0]!.weights.find((w) => w.name === 'MobilenetV1/Conv2d_0_pointwise/weights')!;
    let offset = 0;
    for (const w of m[0]!.weights) {
      if (w === entry) break;
      offset += bytesOf(w);
    }
    const q = entry.quantization!;
    expect(weights.get('conv1/kernel')!.data[0]).toBe(Math.fround(bin[offset]! * q.scale + q.min));
    expect(weights.get('conv1/kernel')!.shape).toEqual([3, 3, 3, 32]);
    expect(faceApiNameMap().size).toBe(specs.length);
  });

  it('a missing tensor is named', async () => {
    const { manifest: m, bin } = without('MobilenetV1/Conv2d_7_depthwise/BatchNorm/moving_variance');
    await expect(importFaceApiSsdWeights(m, async () => bin)).rejects.toThrow(/1 tensor\(s\) missing: MobilenetV1\/Conv2d_7_depthwise\/BatchNorm\/moving_variance → conv_dw_7_bn\/moving_variance \[512\]/);
  });

  it('missing anchors are named', async () => {
    const { manifest: m, bin } = without('Output/extra_dim');
    await expect(importFaceApiSsdWeights(m, async () => bin)).rejects.toThrow(/"Output\/extra_dim" \(the anchors\) is missing/);
  });

  it('a left-over tensor is named', async () => {
    const m = manifest();
    m[0]!.weights.push({ name: 'Extra/unknown', shape: [2], dtype: 'float32' });
    const bin = concat(readBin(), new Uint8Array(8));
    await expect(importFaceApiSsdWeights(m, async () => bin)).rejects.toThrow(/1 tensor\(s\) left over, not part of the SSD MobileNetV1 face detector: Extra\/unknown/);
  });

  it('a tensor with another shape is refused', async () => {
    const m = manifest();
    const w = m[0]!.weights.find((x) => x.name === 'Prediction/BoxPredictor_0/ClassPredictor/biases')!;
    w.shape = [3, 3]; // still 9 bytes: the file decodes, the shape does not fit
    await expect(importFaceApiSsdWeights(m, async () => readBin())).rejects.toThrow(WeightImportError);
    await expect(importFaceApiSsdWeights(m, async () => readBin())).rejects.toThrow(/has shape \[3,3\], but our parameter "ssd\/box_predictor_0\/class\/bias" needs \[9\]/);
  });

  it('tampered weights: a .bin of the wrong byte length fails in core’s decoder with the file and offset', async () => {
    const bin = readBin();
    await expect(importFaceApiSsdWeights(manifest(), async () => bin.subarray(0, bin.length - 100))).rejects.toThrow(ModelFormatError);
    await expect(importFaceApiSsdWeights(manifest(), async () => bin.subarray(0, bin.length - 100))).rejects.toThrow(/truncated.*Output\/extra_dim/);
    await expect(importFaceApiSsdWeights(manifest(), async () => concat(bin, new Uint8Array([1])))).rejects.toThrow(/more bytes than the manifest describes/);
  });

  it('tampered anchors or graph constants are refused', async () => {
    const bin = readBin();
    const anchorsAt = bin.length - 5118 * 16;
    const shifted = new Uint8Array(bin);
    new DataView(shifted.buffer).setFloat32(anchorsAt + 4, 0.5, true);
    await expect(importFaceApiSsdWeights(manifest(), async () => shifted)).rejects.toThrow(/stored anchor 0 coordinate 1 .* is 0.5, the generator gives -0.034375/);
    const m = manifest();
    m[0]!.weights.find((w) => w.name === 'Preprocessor/ResizeImage/size')!.quantization!.min = 300;
    await expect(importFaceApiSsdWeights(m, async () => bin)).rejects.toThrow(/graph constant "Preprocessor\/ResizeImage\/size" is \[300,300\], expected \[512,512\]/);
  });

  describe('loadFaceDetector', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'face-model-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a folder without the model says what it needs; nothing is fetched', async () => {
      await expect(loadFaceDetector({ backend: 'cpu', modelDir: dir })).rejects.toThrow(/cannot read .*ssd_mobilenetv1_model-weights_manifest.json .*modelDir must hold/);
    });

    it('a truncated .bin in modelDir names the file', async () => {
      writeFileSync(path.join(dir, 'ssd_mobilenetv1_model-weights_manifest.json'), JSON.stringify(readManifest()));
      writeFileSync(path.join(dir, 'ssd_mobilenetv1_model.bin'), readFileSync(BIN_FILE).subarray(0, 1000));
      await expect(loadFaceDetector({ backend: 'cpu', modelDir: dir })).rejects.toThrow(/ssd_mobilenetv1_model.bin.*truncated|truncated.*ssd_mobilenetv1_model.bin/s);
    });

    it('needs a backend name', async () => {
      await expect(loadFaceDetector({} as never)).rejects.toThrow(/options.backend is required/);
    });

    it('the graph it builds is the one the importer maps onto', () => {
      expect(faceApiSsdGraph().name).toBe('face_api_ssd_mobilenetv1');
    });
  });
});
