import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FACE_API_SSD_MANIFEST } from '@mobilenet-kit/detection';
import * as tf from '@tensorflow/tfjs-core';

/** A face as face-api 1.7.15 returns it (box in the image's pixels, rounded resize included). */
export interface FaceApiDetection {
  readonly score: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/** The few pieces of face-api 1.7.15 the benchmark uses. */
export interface FaceApi {
  readonly tf: typeof tf;
  readonly nets: { readonly ssdMobilenetv1: { loadFromWeightMap(map: unknown): void; readonly isLoaded: boolean } };
  readonly SsdMobilenetv1Options: new (options?: { minConfidence?: number; maxResults?: number }) => unknown;
  detectAllFaces(input: unknown, options: unknown): Promise<FaceApiDetection[]>;
}

const require = createRequire(import.meta.url);

/** face-api's model/ folder in node_modules: where its SSD MobileNetV1 weights are. */
export function faceApiModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/**
 * face-api with its SSD MobileNetV1 weights, on the tfjs engine our backends
 * use. Its node-wasm build requires '@tensorflow/tfjs' and
 * '@tensorflow/tfjs-backend-wasm', which resolve to the same tfjs-core 4.22
 * (one engine and kernel registry, held in a global, whichever of the ESM and
 * CJS builds is loaded); this is checked, since timing face-api on another
 * engine would compare different backends. Weights go in through
 * loadFromWeightMap from local files (face-api fetches nothing), onto the
 * active tfjs backend: start one first. face-api runs on whatever tfjs
 * backend is active when it is called.
 */
export async function faceApiOnTfjs(modelDir = faceApiModelDir()): Promise<FaceApi> {
  if (!tf.engine().backendName) throw new Error('faceApiOnTfjs: start a tfjs backend first (await tf.setBackend(…)): face-api\'s weights are made on the active one');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  if (faceapi.tf.engine() !== tf.engine()) {
    throw new Error('face-api loaded another tfjs engine than @tensorflow/tfjs-core\'s: two tfjs-core copies are installed (check `pnpm why @tensorflow/tfjs-core`)');
  }
  if (!faceapi.nets.ssdMobilenetv1.isLoaded) faceapi.nets.ssdMobilenetv1.loadFromWeightMap(await faceApiWeightMap(modelDir, FACE_API_SSD_MANIFEST));
  return faceapi;
}

/** One of face-api's networks as the weight map its `loadFromWeightMap` takes, from the manifest and shards in `modelDir`. */
export async function faceApiWeightMap(modelDir: string, manifestFile: string): Promise<tf.NamedTensorMap> {
  const manifest = JSON.parse(await readFile(path.join(modelDir, manifestFile), 'utf8')) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const shards = await Promise.all(manifest[0]!.paths.map((p) => readFile(path.join(modelDir, p))));
  const bin = Buffer.concat(shards);
  return tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, manifest[0]!.weights);
}
