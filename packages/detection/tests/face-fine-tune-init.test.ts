import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector, FACE_API_SSD_ANCHORS, faceApiSsdGraph, generateSsdAnchors, importFaceApiSsdWeights, loadFaceDetector, ssdFeatureMapSizes, transferFaceApiSsdWeights } from '../src';
import { epochExamples } from '../src/training';
import { decodeWithSharp, readBin, readManifest, samplePath } from './helpers';

// `train detector --init face-ssd` on a one-class "face" set starts from face-api's detector itself:
// transferFaceApiSsdWeights keeps the class predictors' background and face columns, so the new
// 1-class graph scores every anchor as face-api does (sigmoid per column: dropping face-api's unused
// class 2 changes nothing), and epochExamples pads bottom/right as face-api does.

let stock: Detector;
let faceOnly: Detector;
let copied: string[];
let otherCopied: string[];

beforeAll(async () => {
  registerWasmBackend();
  const bin = readBin();
  const imported = await importFaceApiSsdWeights(readManifest(), async () => bin);
  const graph = faceApiSsdGraph({ numClasses: 1 });
  const t = transferFaceApiSsdWeights(graph, imported.weights, ['face'], 1);
  copied = t.copied;
  otherCopied = transferFaceApiSsdWeights(graph, imported.weights, ['cat'], 1).copied;
  const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph), FACE_API_SSD_ANCHORS);
  stock = await loadFaceDetector({ backend: 'wasm' });
  faceOnly = await createDetector(graph, t.weights, { backend: 'wasm', anchors, labels: ['face'], resize: 'padBottomRight', normalize: 'minusOneToOne', scoreConversion: 'sigmoid' });
}, 120_000);
afterAll(() => {
  stock?.dispose();
  faceOnly?.dispose();
});

describe('transferFaceApiSsdWeights', () => {
  it('copies the background and face columns of all six class predictors for a "face" class, none for another class', () => {
    const classParams = copied.filter((n) => n.includes('/class/'));
    expect(classParams).toHaveLength(12);
    expect(classParams.every((n) => n.endsWith('(columns of background, "face")'))).toBe(true);
    expect(otherCopied.some((n) => n.includes('/class/'))).toBe(false);
    expect(otherCopied.length).toBe(copied.length - 12);
  });

  it('a 1-class face graph from face-api weights finds the same faces with the same scores as face-api\'s detector', async () => {
    for (const i of [1, 2]) {
      const image = await decodeWithSharp(samplePath(i));
      const a = await stock.detect(image, { minScore: 0.3 });
      const b = await faceOnly.detect(image, { minScore: 0.3 });
      expect(b.length).toBe(a.length);
      expect(a.length).toBeGreaterThan(0);
      b.forEach((d, k) => {
        expect(d.label).toBe('face');
        expect(Math.abs(d.score - a[k]!.score)).toBeLessThan(1e-5);
        for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(d.box[key] - a[k]!.box[key])).toBeLessThan(1e-3);
      });
    }
  }, 120_000);
});

describe('epochExamples with resize padBottomRight', () => {
  it('normalizes boxes by the padded square (face-api\'s input), stretch by each side', () => {
    const image = { width: 100, height: 50, data: new Uint8Array(100 * 50 * 3).fill(200) };
    const objects = [{ classIndex: 1, box: { x: 10, y: 20, width: 30, height: 20 } }];
    const [pad] = epochExamples([{ image, objects }], [64, 64], 1, 1, false, 'minusOneToOne', 'padBottomRight');
    expect(pad!.boxes[0]!.map((v) => Number(v.toFixed(6)))).toEqual([0.2, 0.1, 0.4, 0.4]);
    // The bottom half of the input is the zero padding: -1 after normalization.
    expect(pad!.data[(63 * 64 + 10) * 3]).toBe(-1);
    const [stretch] = epochExamples([{ image, objects }], [64, 64], 1, 1, false, 'minusOneToOne');
    expect(stretch!.boxes[0]).toEqual([0.4, 0.1, 0.8, 0.4]);
  });
});
