import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { decodeWeightsManifest, graphCost } from '@mobilenet-kit/core';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXPRESSION_LABELS,
  FACE_API_AGE_GENDER_MANIFEST,
  FACE_API_ATTRIBUTE_INPUT_SIZE,
  FACE_API_EXPRESSION_MANIFEST,
  FaceWeightImportError,
  importFaceApiAttributeWeights,
  loadFaceApiAttributeTeachers,
  mapFaceApiWeights,
  faceApiAttributeName,
  faceApiAgeGenderGraph,
} from '../src';
import { type FaceApiNets, MODEL_DIR, loadFaceApi, sampleFaceCrops } from './helpers';

/**
 * Our IR import of face-api's AgeGenderNet and FaceExpressionNet against
 * face-api's own predictAgeAndGender / predictExpressions: same weights,
 * same tfjs engine and backend, same 112×112 crops of the detector's faces
 * in two demo photos (the tolerances: |Δ age| ≤ 0.05 years,
 * |Δ probability| ≤ 1e-4).
 */
const MAX_AGE_DIFF = 0.05;
const MAX_PROBABILITY_DIFF = 1e-4;
const SIZE = FACE_API_ATTRIBUTE_INPUT_SIZE;

let faceapi: FaceApiNets;
let crops: RgbImage[] = [];

beforeAll(async () => {
  registerCpuBackend();
  registerWasmBackend();
  expect(await tf.setBackend('wasm')).toBe(true);
  faceapi = loadFaceApi([
    { net: 'ageGenderNet', manifest: FACE_API_AGE_GENDER_MANIFEST },
    { net: 'faceExpressionNet', manifest: FACE_API_EXPRESSION_MANIFEST },
  ]);
  const detector = await loadFaceDetector({ backend: 'wasm', modelDir: MODEL_DIR });
  crops = await sampleFaceCrops(detector, SIZE);
  detector.dispose();
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`on ${backend}`, () => {
    afterAll(async () => {
      expect(await tf.setBackend('wasm')).toBe(true);
    });

    it("gives face-api's age, gender and expressions", async () => {
      expect(crops.length).toBeGreaterThanOrEqual(4);
      const teachers = await loadFaceApiAttributeTeachers({ backend, modelDir: MODEL_DIR });
      const ours = await teachers.predict(crops);
      teachers.dispose();
      // face-api on the same tfjs backend as ours.
      expect(await tf.setBackend(backend)).toBe(true);
      let ageDiff = 0;
      let probDiff = 0;
      for (const [i, crop] of crops.entries()) {
        const before = tf.memory().numTensors;
        const input = tf.tensor3d(crop.data, [SIZE, SIZE, 3], 'int32');
        const ag = await faceapi.nets.ageGenderNet.predictAgeAndGender(input);
        const ex = await faceapi.nets.faceExpressionNet.predictExpressions(input);
        input.dispose();
        expect(tf.memory().numTensors).toBe(before);
        const mine = ours[i]!;
        ageDiff = Math.max(ageDiff, Math.abs(mine.age - ag.age));
        expect(mine.gender.label).toBe(ag.gender);
        probDiff = Math.max(probDiff, Math.abs(mine.gender.probability - ag.genderProbability));
        for (const label of EXPRESSION_LABELS) probDiff = Math.max(probDiff, Math.abs(mine.expression.probabilities[label] - ex[label]!));
        const best = EXPRESSION_LABELS.reduce((a, b) => (ex[b]! > ex[a]! ? b : a));
        expect(mine.expression.label).toBe(best);
      }
      console.log(`attribute teachers on ${backend}: ${crops.length} crops, max |Δ age| ${ageDiff.toExponential(2)} years, max |Δ probability| ${probDiff.toExponential(2)}`);
      expect(ageDiff).toBeLessThanOrEqual(MAX_AGE_DIFF);
      expect(probDiff).toBeLessThanOrEqual(MAX_PROBABILITY_DIFF);
    });
  });
}

describe('importing the attribute nets', () => {
  const read = async (file: string) => {
    const manifest = JSON.parse(await readFile(path.join(MODEL_DIR, file), 'utf8'));
    const readShard = async (p: string) => new Uint8Array(await readFile(path.join(MODEL_DIR, p)));
    return { manifest, readShard };
  };

  it('uses every stored tensor: 51 for age/gender, 49 for expressions', async () => {
    for (const [net, file, count] of [['ageGender', FACE_API_AGE_GENDER_MANIFEST, 51], ['expression', FACE_API_EXPRESSION_MANIFEST, 49]] as const) {
      const { manifest, readShard } = await read(file);
      const { graph, weights } = await importFaceApiAttributeWeights(net, manifest, readShard);
      expect(weights.size).toBe(count);
      expect(graphCost(graph).totals.multAdds).toBeGreaterThan(0);
    }
  });

  it('refuses the expression manifest for the age/gender net, naming what is missing', async () => {
    const { manifest, readShard } = await read(FACE_API_EXPRESSION_MANIFEST);
    await expect(importFaceApiAttributeWeights('ageGender', manifest, readShard, FACE_API_EXPRESSION_MANIFEST)).rejects.toThrow(/face_expression_model-weights_manifest\.json: \d+ tensor\(s\) missing: entry_flow\/conv_in\/filters → entry_flow\/conv_in\/kernel/);
  });

  it('refuses a tensor of the wrong shape and one left over, naming them', async () => {
    const { manifest, readShard } = await read(FACE_API_AGE_GENDER_MANIFEST);
    const decoded = await decodeWeightsManifest(manifest, readShard);
    const graph = faceApiAgeGenderGraph();
    const wrong = new Map(decoded);
    wrong.set('fc/age/weights', { shape: [256, 1], data: new Float32Array(256) });
    expect(() => mapFaceApiWeights(graph, wrong, faceApiAttributeName, 'x.json')).toThrow(FaceWeightImportError);
    expect(() => mapFaceApiWeights(graph, wrong, faceApiAttributeName, 'x.json')).toThrow('x.json: tensor "fc/age/weights" has shape [256,1], but our parameter "fc/age/kernel" needs [512,1]');
    const extra = new Map(decoded);
    extra.set('fc/smile/weights', { shape: [512, 1], data: new Float32Array(512) });
    expect(() => mapFaceApiWeights(graph, extra, faceApiAttributeName, 'x.json')).toThrow('x.json: 1 tensor(s) left over, not part of face_api_age_gender_net: fc/smile/weights');
  });
});
