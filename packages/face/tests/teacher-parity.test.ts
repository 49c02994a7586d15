import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Embedder, loadFaceApiTeacher } from '../src';
import { type FaceApiRecognition, MODEL_DIR, cosine, loadFaceApiRecognition, maxAbsDiff, sampleFaceCrops } from './helpers';

/**
 * Our IR import of face-api's FaceRecognitionNet against face-api's own
 * computeFaceDescriptor, same weights, same tfjs engine and backend (wasm),
 * same 150×150 crops (faces found by the detector in two demo photos,
 * resized with our bilinear resize, so both get identical pixels).
 */
const MIN_COSINE = 0.9999;
const MAX_ABS_DIFF = 1e-4;

let faceapi: FaceApiRecognition;
let teacher: Embedder;
const crops: RgbImage[] = [];

beforeAll(async () => {
  registerCpuBackend();
  registerWasmBackend();
  expect(await tf.setBackend('wasm')).toBe(true);
  faceapi = loadFaceApiRecognition();
  teacher = await loadFaceApiTeacher({ backend: 'wasm', modelDir: MODEL_DIR });
  const detector = await loadFaceDetector({ backend: 'wasm', modelDir: MODEL_DIR });
  crops.push(...(await sampleFaceCrops(detector, 150)));
  detector.dispose();
});

afterAll(() => teacher?.dispose());

it('matches face-api computeFaceDescriptor on wasm (cosine ≥ 0.9999, max |Δ| ≤ 1e-4)', async () => {
  expect(crops.length).toBeGreaterThanOrEqual(4);
  const ours = await teacher.embed(crops);
  let worstCos = 1;
  let worstDiff = 0;
  for (const [i, crop] of crops.entries()) {
    const before = tf.memory().numTensors;
    const input = tf.tensor3d(crop.data, [150, 150, 3], 'int32');
    const theirs = (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input)) as Float32Array;
    input.dispose();
    expect(tf.memory().numTensors).toBe(before);
    worstCos = Math.min(worstCos, cosine(ours[i]!, theirs));
    worstDiff = Math.max(worstDiff, maxAbsDiff(ours[i]!, theirs));
  }
  console.log(`teacher parity on wasm: ${crops.length} crops, worst cosine ${worstCos}, worst max |Δ| ${worstDiff.toExponential(2)}`);
  expect(worstCos).toBeGreaterThanOrEqual(MIN_COSINE);
  expect(worstDiff).toBeLessThanOrEqual(MAX_ABS_DIFF);
});
