import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Box } from '@mobilenet-kit/image';

const require = createRequire(import.meta.url);
export const FACE_API_DIR = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
export const MODEL_DIR = path.join(FACE_API_DIR, 'model');
export const MANIFEST_FILE = path.join(MODEL_DIR, 'ssd_mobilenetv1_model-weights_manifest.json');
export const BIN_FILE = path.join(MODEL_DIR, 'ssd_mobilenetv1_model.bin');
export const samplePath = (i: number) => path.join(FACE_API_DIR, 'demo', `sample${i}.jpg`);
export const PACKAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes with sharp, the one decoder both detectors get their pixels from (FACTS.md: parity tests pin the decoder). */
export async function decodeWithSharp(file: string): Promise<Rgb> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: sharp gave ${info.channels} channels`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export function readManifest(): unknown {
  return JSON.parse(readFileSync(MANIFEST_FILE, 'utf8'));
}

export function readBin(): Uint8Array {
  return new Uint8Array(readFileSync(BIN_FILE));
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** The pieces of face-api 1.7.15 the parity tests use (its node-wasm CJS build). */
export interface FaceApiModule {
  tf: typeof import('@tensorflow/tfjs-core');
  nets: { ssdMobilenetv1: { loadFromWeightMap(map: unknown): void; isLoaded: boolean } };
  SsdMobilenetv1Options: new (o?: { minConfidence?: number; maxResults?: number }) => unknown;
  detectAllFaces(input: unknown, options: unknown): Promise<{ score: number; box: Box }[]>;
}

/**
 * face-api on our tfjs instance: its node-wasm build requires
 * '@tensorflow/tfjs' and '@tensorflow/tfjs-backend-wasm', which resolve to the
 * same tfjs-core (one engine, one kernel registry) that our backends use.
 * Weights go in through loadFromWeightMap (no fetch, no fs in face-api).
 */
export function loadFaceApi(): FaceApiModule {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  if (!faceapi.nets.ssdMobilenetv1.isLoaded) {
    const manifest = readManifest() as { weights: unknown[] }[];
    const bin = readBin();
    const io = (faceapi.tf as unknown as { io: { decodeWeights(b: ArrayBuffer, s: unknown[]): unknown } }).io;
    const map = io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, manifest[0]!.weights);
    faceapi.nets.ssdMobilenetv1.loadFromWeightMap(map);
  }
  return faceapi;
}

/**
 * face-api maps boxes back with a rounded resized size (utils
 * computeReshapedDimensions: round(side · 512 / max side)), which stretches
 * the short side's coordinates by up to 0.15 % (1280 px → 341.33 → 341).
 * This undoes it: the box face-api's network output means, in exact pixels.
 */
export function undoFaceApiRounding(box: Box, width: number, height: number): Box {
  const maxSide = Math.max(width, height);
  const fx = (Math.round((width * 512) / maxSide) * maxSide) / (512 * width);
  const fy = (Math.round((height * 512) / maxSide) * maxSide) / (512 * height);
  return { x: box.x * fx, y: box.y * fy, width: box.width * fx, height: box.height * fy };
}
