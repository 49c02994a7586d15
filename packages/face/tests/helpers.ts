import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbImage } from '@mobilenet-kit/image';
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
export interface FaceApiRecognition {
  tf: typeof tf;
  nets: { faceRecognitionNet: { loadFromWeightMap(map: unknown): void; isLoaded: boolean; computeFaceDescriptor(input: unknown): Promise<Float32Array | Float32Array[]> } };
}

/**
 * face-api's node-wasm build on our tfjs engine (it requires
 * '@tensorflow/tfjs' and '@tensorflow/tfjs-backend-wasm', which resolve to the
 * one tfjs-core our backends use), with its recognition net loaded from the
 * local weights through loadFromWeightMap. The bench's faceApiOnTfjs and
 * detection's test helper load the SSD net only; this is the same few lines
 * for the recognition net.
 */
export function loadFaceApiRecognition(): FaceApiRecognition {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiRecognition;
  if (faceapi.tf.engine() !== tf.engine()) throw new Error('face-api loaded another tfjs engine than @tensorflow/tfjs-core\'s (two tfjs-core copies installed)');
  if (!faceapi.nets.faceRecognitionNet.isLoaded) {
    const manifest = JSON.parse(readFileSync(path.join(MODEL_DIR, 'face_recognition_model-weights_manifest.json'), 'utf8')) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    const bin = Buffer.concat(manifest[0]!.paths.map((p) => readFileSync(path.join(MODEL_DIR, p))));
    const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, manifest[0]!.weights);
    faceapi.nets.faceRecognitionNet.loadFromWeightMap(map);
  }
  return faceapi;
}

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
