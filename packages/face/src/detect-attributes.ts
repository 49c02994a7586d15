import type { DetectOptions, Detector, DetectorImage } from '@mobilenet-kit/detection';
import type { Box } from '@mobilenet-kit/image';
import { detectAndCrop } from './detect-and-embed';
import { FaceOptionError, checkKnownOptions } from './errors';
import type { AttributePredictor, FaceAttributes } from './face-attributes';
import { DEFAULT_FACE_MARGIN } from './face-crop';

export interface DetectAttributesOptions extends DetectOptions {
  /** A face detector, e.g. loadFaceDetector({ backend }) of @mobilenet-kit/detection. */
  detector: Detector;
  /** The attribute network(s): loadAttributeModel (a student, one pass) or loadFaceApiAttributeTeachers (two passes). */
  predictor: AttributePredictor;
  /** Margin of the square crop around each box, as a fraction of its longer side, on each side. Default 0.1. */
  margin?: number;
}

export interface FaceWithAttributes extends FaceAttributes {
  /** The detector's box, in the image's pixels. */
  readonly box: Box;
  readonly score: number;
  /** The square region that was looked at. */
  readonly crop: Box;
}

/** Finds the faces in an image and tells the age, gender and expression of each (the crops in one batch). */
export async function detectAttributes(image: DetectorImage, options: DetectAttributesOptions): Promise<FaceWithAttributes[]> {
  const where = 'detectAttributes';
  if (!options || typeof options !== 'object') throw new FaceOptionError(where, 'options', options, 'expected { detector, predictor, margin, minScore, iouThreshold, maxResults }');
  checkKnownOptions(where, options, ['detector', 'predictor', 'margin', 'minScore', 'iouThreshold', 'maxResults']);
  const { detector, predictor, margin = DEFAULT_FACE_MARGIN, ...detectOptions } = options;
  if (!detector || typeof detector.detect !== 'function') throw new FaceOptionError(where, 'detector', detector, 'expected a Detector (loadFaceDetector of @mobilenet-kit/detection)');
  if (!predictor || typeof predictor.predict !== 'function') throw new FaceOptionError(where, 'predictor', predictor, 'expected an AttributePredictor (loadAttributeModel or loadFaceApiAttributeTeachers)');
  const faces = await detectAndCrop(image, detector, margin, detectOptions);
  if (faces.length === 0) return [];
  const answers = await predictor.predict(faces.map((f) => f.image));
  return faces.map((f, i) => ({ box: f.box, score: f.score, crop: f.crop, ...answers[i]! }));
}
