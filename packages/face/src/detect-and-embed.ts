import type { DetectOptions, Detector, DetectorImage } from '@mobilenet-kit/detection';
import { type Box, type ImageSource, type RgbImage, decodeImage } from '@mobilenet-kit/image';
import type { Embedder } from './embedder';
import { FaceOptionError, checkKnownOptions } from './errors';
import { DEFAULT_FACE_MARGIN, faceCrop } from './face-crop';

export interface DetectAndEmbedOptions extends DetectOptions {
  /** A face detector, e.g. loadFaceDetector({ backend }) of @mobilenet-kit/detection. */
  detector: Detector;
  /** The embedding network: loadFaceApiTeacher, a student, or loadEmbedderModel. */
  embedder: Embedder;
  /** Margin of the square crop around each box, as a fraction of its longer side, on each side. Default 0.1. */
  margin?: number;
}

export interface EmbeddedFace {
  /** The detector's box, in the image's pixels. */
  readonly box: Box;
  readonly score: number;
  /** The square region that was embedded (may extend past the border, where it is padded black). */
  readonly crop: Box;
  readonly descriptor: Float32Array;
}

function isRgbImage(x: unknown): x is RgbImage {
  if (!x || typeof x !== 'object' || 'channels' in x) return false;
  const r = x as RgbImage;
  return Number.isInteger(r.width) && Number.isInteger(r.height) && r.data instanceof Uint8Array && r.data.length === r.width * r.height * 3;
}

/**
 * Finds the faces in an image, crops a square around each (with a margin,
 * padded black past the border) and embeds the crops in one batch. An
 * image without faces gives an empty list. Results follow the detector's
 * order (descending score).
 */
export async function detectAndEmbed(image: DetectorImage, options: DetectAndEmbedOptions): Promise<EmbeddedFace[]> {
  const where = 'detectAndEmbed';
  if (!options || typeof options !== 'object') throw new FaceOptionError(where, 'options', options, 'expected { detector, embedder, margin, minScore, iouThreshold, maxResults }');
  checkKnownOptions(where, options, ['detector', 'embedder', 'margin', 'minScore', 'iouThreshold', 'maxResults']);
  const { detector, embedder, margin = DEFAULT_FACE_MARGIN, ...detectOptions } = options;
  if (!detector || typeof detector.detect !== 'function') throw new FaceOptionError(where, 'detector', detector, 'expected a Detector (loadFaceDetector of @mobilenet-kit/detection)');
  if (!embedder || typeof embedder.embed !== 'function') throw new FaceOptionError(where, 'embedder', embedder, 'expected an Embedder (loadFaceApiTeacher, createEmbedder or loadEmbedderModel)');
  const faces = await detectAndCrop(image, detector, margin, detectOptions);
  if (faces.length === 0) return [];
  const descriptors = await embedder.embed(faces.map((f) => f.image));
  return faces.map((face, i) => ({ box: face.box, score: face.score, crop: face.crop, descriptor: descriptors[i]! }));
}

/** The faces the detector finds in an image (descending score), each with its square crop (a margin around the box, padded black past the border). */
export async function detectAndCrop(image: DetectorImage, detector: Detector, margin: number, detectOptions: DetectOptions): Promise<{ box: Box; score: number; crop: Box; image: RgbImage }[]> {
  const rgb = isRgbImage(image) ? image : await decodeImage(image as ImageSource);
  const faces = await detector.detect(rgb, detectOptions);
  return faces.map((face) => {
    const crop = faceCrop(rgb, face.box, margin);
    return { box: face.box, score: face.score, crop: crop.region, image: crop.image };
  });
}
