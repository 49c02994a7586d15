import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { analyzeGraph, graphCost, type WeightTensor } from '@mobilenet-kit/core';
import { FACE_API_SSD_MANIFEST, importFaceApiSsdWeights } from '@mobilenet-kit/detection';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceOptionError, createEmbedder, createFaceStudent, faceStudentGraph, initializeStudentFromDetector, loadEmbedderModel, saveEmbedderModel } from '../src';
import { MODEL_DIR, decodeWithSharp, samplePath } from './helpers';

let detectorWeights: ReadonlyMap<string, WeightTensor>;

beforeAll(async () => {
  registerWasmBackend();
  const manifest = JSON.parse(await readFile(path.join(MODEL_DIR, FACE_API_SSD_MANIFEST), 'utf8'));
  detectorWeights = (await importFaceApiSsdWeights(manifest, (p) => readFile(path.join(MODEL_DIR, p)))).weights;
});

describe('faceStudentGraph', () => {
  it('is MobileNet v1 at 160 or 128 with the detector layout and a 128-d head', () => {
    const graph = faceStudentGraph({ resolution: 128, alpha: 0.5 });
    const shapes = analyzeGraph(graph).shapes;
    expect(shapes.get('input')).toEqual([null, 128, 128, 3]);
    expect(shapes.get('conv_pw_13_relu')).toEqual([null, 4, 4, 512]);
    expect(shapes.get('embedding_head/l2_normalize')).toEqual([null, 128]);
    // The detector's layout: pointwise layers carry a bias (no BN node), depthwise layers keep their BN.
    expect(graph.nodes.some((n) => n.name === 'conv_pw_5_bn')).toBe(false);
    expect(graph.nodes.find((n) => n.name === 'conv_dw_5_bn')?.op).toBe('batchNorm');
    // Paper Table 6/7 figure for 0.50-128 is 49 M mult-adds; ours adds the head's 512·128.
    expect(Math.round(graphCost(graph).totals.multAdds / 1e6)).toBe(49);
  });

  it('refuses other resolutions and widths', () => {
    expect(() => faceStudentGraph({ resolution: 224 as 160 })).toThrow(FaceOptionError);
    expect(() => faceStudentGraph({ alpha: 1.5 })).toThrow(/"alpha" = 1.5/);
  });
});

describe('initializeStudentFromDetector', () => {
  it('at α = 1 takes every backbone parameter of the detector as is; the head is new', () => {
    const init = initializeStudentFromDetector(faceStudentGraph({ resolution: 160 }), detectorWeights, 7);
    expect(init.initialized).toEqual(['embedding_head/dense/kernel', 'embedding_head/dense/bias']);
    // conv1 (kernel, bias), 13 × (depthwise kernel + 4 BN) and 13 × (pointwise kernel, bias).
    expect(init.fromDetector.length).toBe(2 + 13 * 5 + 13 * 2);
    for (const name of init.fromDetector) expect(init.weights.get(name)!.data).toBe(detectorWeights.get(name)!.data);
  });

  it('at α = 0.5 takes the leading channels', () => {
    const init = initializeStudentFromDetector(faceStudentGraph({ resolution: 128, alpha: 0.5 }), detectorWeights);
    const theirs = detectorWeights.get('conv_pw_2/kernel')!; // [1, 1, 64, 128]
    const ours = init.weights.get('conv_pw_2/kernel')!; // [1, 1, 32, 64]
    expect(ours.shape).toEqual([1, 1, 32, 64]);
    for (const [i, o] of [
      [0, 0],
      [5, 63],
      [31, 17],
    ]) {
      expect(ours.data[i! * 64 + o!]).toBe(theirs.data[i! * 128 + o!]);
    }
  });

  it('names a parameter the detector lacks', () => {
    const partial = new Map(detectorWeights);
    partial.delete('conv_dw_7_bn/gamma');
    expect(() => initializeStudentFromDetector(faceStudentGraph(), partial)).toThrow(/the detector has no parameter "conv_dw_7_bn\/gamma" \[512\]/);
  });
});

it('createFaceStudent embeds a face to a unit vector; saved and loaded it gives the same vector', async () => {
  const student = await createFaceStudent({ resolution: 128, alpha: 0.25, detectorModelDir: MODEL_DIR });
  const embedder = await createEmbedder(student.graph, student.weights, { backend: 'wasm' });
  const photo = await decodeWithSharp(samplePath(1));
  const [v] = await embedder.embed(photo);
  embedder.dispose();
  expect(v!.length).toBe(128);
  expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
  const dir = await mkdtemp(path.join(tmpdir(), 'face-student-'));
  try {
    await saveEmbedderModel(dir, student.graph, student.weights, { normalize: 'minusOneToOne', l2Normalize: false });
    const loaded = await loadEmbedderModel(dir, { backend: 'wasm' });
    const [w] = await loaded.embed(photo);
    loaded.dispose();
    expect(Array.from(w!)).toEqual(Array.from(v!));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
