import * as path from 'node:path';
import type { Detector, DetectOptions } from '@mobilenet-kit/detection';
import { type Box, type RgbImage, decodeImage, drawDetections, ImageError, writeImage } from '@mobilenet-kit/image';
import { type OutputFormat, outputExtension } from './output-format';

/** Milliseconds per stage for one image; preprocess, network and postprocess are the detector's own timings. */
export interface ImageTimings {
  readonly decode: number;
  readonly preprocess: number;
  readonly network: number;
  /** Box decoding, scores, NMS and mapping back to the image's pixels. */
  readonly postprocess: number;
  /** Drawing the boxes, encoding the image and writing it (only with an output path). */
  readonly write?: number;
}

export interface DetectedImage {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** Sorted by descending score; boxes in the image's own pixels. */
  readonly detections: readonly { readonly box: Box; readonly score: number; readonly label: string }[];
  readonly timings: ImageTimings;
  /** The annotated copy written for this image. */
  readonly output?: string;
}

export interface FailedImage {
  readonly file: string;
  /** What went wrong, starting with the file. */
  readonly error: string;
}

export type ImageReport = DetectedImage | FailedImage;

function fileError(file: string, error: unknown): FailedImage {
  const message = error instanceof Error ? error.message : String(error);
  // ImageError messages already start with the file ('image file "x.jpg": …').
  return { file, error: error instanceof ImageError ? message : `${file}: ${message}` };
}

/** A decoded image and how long its decoding took (from its start to its end: it may have overlapped other work). */
export interface DecodedFile {
  readonly image: RgbImage;
  readonly decodeMs: number;
}

/**
 * Decodes one file as detectFile does. detect starts the first image's
 * decoding before the model loads: sharp decodes on libuv's thread pool while
 * the main thread starts the backend and compiles the detector, which a
 * one-photo run (a cold process) gains in wall time.
 */
export async function decodeFile(file: string, decodeOptions: { allowSvg?: boolean } = {}): Promise<DecodedFile> {
  const t0 = performance.now();
  const image = await decodeImage(file, { allowSvg: decodeOptions.allowSvg === true });
  return { image, decodeMs: performance.now() - t0 };
}

/**
 * Decodes one file (or takes `decoded`, its decoding already started by decodeFile), runs the detector on it and, given an output path, writes
 * the image with its detections drawn (atomically, by writeImage). A file that
 * cannot be read or written gives a FailedImage; a failure of the detector
 * itself is thrown, since every other file would fail the same way.
 */
export async function detectFile(detector: Detector, file: string, options: Required<DetectOptions>, output?: string, decodeOptions: { allowSvg?: boolean } = {}, decoded?: Promise<DecodedFile>): Promise<ImageReport> {
  let image: RgbImage;
  let decode: number;
  try {
    ({ image, decodeMs: decode } = await (decoded ?? decodeFile(file, decodeOptions)));
  } catch (error) {
    return fileError(file, error);
  }
  const run = await detector.run([image], options);
  const detections = run.detections[0]!.map(({ box, score, label }) => ({ box, score, label }));
  const timings: ImageTimings = { decode, ...run.timings };
  if (output === undefined) return { file, width: image.width, height: image.height, detections, timings };
  const t1 = performance.now();
  try {
    await writeImage(output, drawDetections(image, detections));
  } catch (error) {
    return fileError(file, error);
  }
  return { file, width: image.width, height: image.height, detections, timings: { ...timings, write: performance.now() - t1 }, output };
}

/**
 * One output path per input: `<outDir>/<name>.<ext>` (outputExtension: the input's format by default). Names that would repeat
 * (photos/a.jpg and other/a.png) or overwrite an input get `-2`, `-3`, ….
 */
export function outputPaths(files: readonly string[], outDir: string, format: OutputFormat = 'keep'): string[] {
  const inputs = new Set(files.map((f) => path.resolve(f)));
  const taken = new Set<string>();
  return files.map((file) => {
    const stem = path.basename(file, path.extname(file)) || 'image';
    const extension = outputExtension(file, format);
    for (let k = 1; ; k++) {
      const candidate = path.join(outDir, `${stem}${k === 1 ? '' : `-${k}`}${extension}`);
      // Case-insensitive file systems (macOS, Windows) would make A.png and a.png one file.
      const key = candidate.toLowerCase();
      if (!taken.has(key) && !inputs.has(candidate)) {
        taken.add(key);
        return candidate;
      }
    }
  });
}
