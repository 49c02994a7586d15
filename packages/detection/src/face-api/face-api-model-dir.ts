import type { ReadShard } from '@mobilenet-kit/core';
import { FACE_API_SSD_MANIFEST } from './import-weights';

/** Who looks for a face-api model folder and what it needs there, for the error messages. */
export interface FaceApiModelNeed {
  /** The function asking, which messages start with (`loadFaceDetector`). */
  readonly caller: string;
  /** What it loads, in words (`the face detector's weights`). */
  readonly weights: string;
  /** The files the folder must hold. */
  readonly files: string;
}

const FACE_DETECTOR_NEED: FaceApiModelNeed = {
  caller: 'loadFaceDetector',
  weights: "the face detector's weights",
  files: `${FACE_API_SSD_MANIFEST} and ssd_mobilenetv1_model.bin`,
};

/**
 * Where face-api's model folder is: resolved from the working directory
 * first, then from this package. `need` only shapes the error message (by
 * default: the SSD face detector's files). Node only.
 */
export async function findFaceApiModelDir(need: FaceApiModelNeed = FACE_DETECTOR_NEED): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const attempts: string[] = [];
  for (const from of [path.join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const pkg = createRequire(from).resolve('@vladmandic/face-api/package.json');
      return path.join(path.dirname(pkg), 'model');
    } catch (e) {
      attempts.push(`from ${from}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `${need.caller}: cannot find ${need.weights}: @vladmandic/face-api is not installed (${attempts.join('; ')}). ` +
      `Install it (npm i @vladmandic/face-api) or pass modelDir: a folder holding ${need.files}. Nothing is downloaded.`,
  );
}

/** A face-api weights manifest read from disk, with a reader for its shards (named relative to the same folder). */
export interface FaceApiManifestFile {
  readonly manifest: unknown;
  readonly manifestPath: string;
  readonly readShard: ReadShard;
}

/** Reads and parses `modelDir/manifestFile`; errors start with `caller` and name the file. Node only. */
export async function readFaceApiManifest(caller: string, modelDir: string, manifestFile: string): Promise<FaceApiManifestFile> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const manifestPath = path.join(modelDir, manifestFile);
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new Error(`${caller}: cannot read ${manifestPath} (${(e as Error).message}); modelDir must hold face-api's ${manifestFile} and its .bin`, { cause: e });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`${caller}: ${manifestPath} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return { manifest, manifestPath, readShard: (shard) => fs.readFile(path.join(modelDir, shard)) };
}
