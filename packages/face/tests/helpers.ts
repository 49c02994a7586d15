import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Detector } from '@mobilenet-kit/detection';
import { type RgbImage, resizeBilinear } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);
export const FACE_API_DIR = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
export const MODEL_DIR = path.join(FACE_API_DIR, 'model');
export const samplePath = (i: number) => path.join(FACE_API_DIR, 'demo', `sample${i}.jpg`);
export const PACKAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Decodes with sharp (FACTS.md: parity tests pin the decoder). */
export async function decodeWithSharp(file: string): Promise<RgbImage> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: sharp gave ${info.channels} channels`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The pieces of face-api 1.7.15 the parity tests use. */
interface FaceApiNet {
  loadFromWeightMap(map: unknown): void;
  isLoaded: boolean;
}
export interface FaceApiNets {
  tf: typeof tf;
  nets: {
    faceRecognitionNet: FaceApiNet & { computeFaceDescriptor(input: unknown): Promise<Float32Array | Float32Array[]> };
    ageGenderNet: FaceApiNet & { predictAgeAndGender(input: unknown): Promise<{ age: number; gender: string; genderProbability: number }> };
    faceExpressionNet: FaceApiNet & { predictExpressions(input: unknown): Promise<Record<string, number>> };
  };
}
export type FaceApiRecognition = FaceApiNets;

/**
 * face-api's node-wasm build on our tfjs engine (it requires
 * '@tensorflow/tfjs' and '@tensorflow/tfjs-backend-wasm', which resolve to the
 * one tfjs-core our backends use), with the named nets loaded from the local
 * weights through loadFromWeightMap. The bench's faceApiOnTfjs and
 * detection's test helper load the SSD net only.
 */
export function loadFaceApi(nets: { net: keyof FaceApiNets['nets']; manifest: string }[]): FaceApiNets {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiNets;
  if (faceapi.tf.engine() !== tf.engine()) throw new Error('face-api loaded another tfjs engine than @tensorflow/tfjs-core\'s (two tfjs-core copies installed)');
  for (const { net, manifest: file } of nets) {
    if (faceapi.nets[net].isLoaded) continue;
    const manifest = JSON.parse(readFileSync(path.join(MODEL_DIR, file), 'utf8')) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    const bin = Buffer.concat(manifest[0]!.paths.map((p) => readFileSync(path.join(MODEL_DIR, p))));
    const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, manifest[0]!.weights);
    faceapi.nets[net].loadFromWeightMap(map);
  }
  return faceapi;
}

export const loadFaceApiRecognition = (): FaceApiNets => loadFaceApi([{ net: 'faceRecognitionNet', manifest: 'face_recognition_model-weights_manifest.json' }]);

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A crop of an RgbImage (inside the image). */
export function cropRgb(image: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) data.set(image.data.subarray(((y + r) * image.width + x) * 3, ((y + r) * image.width + x + w) * 3), r * w * 3);
  return { width: w, height: h, data };
}

/**
 * Square face crops from face-api's demo photos (the detector's first three
 * faces of each), resized with our bilinear resize and rounded, so that our
 * nets and face-api's get identical pixels (face-api then resizes nothing).
 */
export async function sampleFaceCrops(detector: Detector, size: number, samples: readonly number[] = [1, 2]): Promise<RgbImage[]> {
  const crops: RgbImage[] = [];
  for (const i of samples) {
    const image = await decodeWithSharp(samplePath(i));
    for (const { box } of (await detector.detect(image)).slice(0, 3)) {
      const side = Math.floor(Math.min(box.width, box.height));
      const x = Math.floor(box.x);
      const y = Math.floor(box.y);
      const crop = cropRgb(image, x, y, Math.min(side, image.width - x), Math.min(side, image.height - y));
      const resized = resizeBilinear(crop, size, size);
      crops.push({ width: size, height: size, data: Uint8Array.from(resized.data, (v) => Math.round(v)) });
    }
  }
  return crops;
}
