import { type AnchorsInput, flatAnchors } from './anchors-input';
import { argmaxMatch, IGNORED, UNMATCHED } from './argmax-matcher';
import { encodeBoxes, SSD_BOX_CODER_SCALES } from '../box-coder';
import { iouMatrix } from './box-iou';
import { DetectionOptionError } from '../errors';

/**
 * The labeled boxes of one image. Boxes are `[ymin, xmin, ymax, xmax]` in
 * normalized coordinates (0…1 of the network input), flat (`4·G` numbers) or
 * one array per box. Labels are class ids `1…numClasses`, one per box: id `k`
 * is column `k` of the class predictions, column 0 being the background (the
 * TF Object Detection API convention, and face-api's: its face score is
 * column 1).
 */
export interface GroundTruth {
  readonly boxes: Float32Array | readonly number[] | readonly (readonly number[])[];
  readonly labels: Int32Array | readonly number[];
}

export interface AssignTargetsOptions {
  /** Best IoU ≥ this: the anchor is a positive for that box. Default 0.5 (ssd_mobilenet_v1 configs: argmax_matcher matched_threshold). */
  readonly matchedThreshold?: number;
  /** Best IoU < this: a negative; between the two: ignored (no loss). Default 0.5 (unmatched_threshold, so no ignore band). */
  readonly unmatchedThreshold?: number;
  /** Give each box its best anchor even below the threshold. Default true (force_match_for_each_row). */
  readonly forceMatch?: boolean;
  /** Box coder scale factors (ty, tx, th, tw). Default 10, 10, 5, 5. */
  readonly scales?: readonly [number, number, number, number];
}

/**
 * Training targets of a batch, one row of `numAnchors` per image, ready to be
 * turned into tensors by `ssdLoss`.
 */
export interface SsdTargets {
  readonly batchSize: number;
  readonly numAnchors: number;
  /** `[B, A, 4]`: encoded (ty, tx, th, tw) of the matched box; 0 for other anchors. */
  readonly boxTargets: Float32Array;
  /** `[B, A]`: class column of the matched box's label; 0 (background) for negatives and ignored anchors. */
  readonly classTargets: Int32Array;
  /** `[B, A]`: index of the matched box in its image, or UNMATCHED (−1, a negative) or IGNORED (−2, no loss). */
  readonly matches: Int32Array;
  /** Matched anchors in the whole batch. */
  readonly numPositives: number;
}

export { IGNORED, UNMATCHED };

const WHERE = 'assignTargets';

function flatBoxes(boxes: GroundTruth['boxes'], image: number): Float32Array {
  let flat: Float32Array;
  if (boxes instanceof Float32Array) flat = boxes;
  else if (Array.isArray(boxes) && boxes.every((b) => Array.isArray(b))) {
    const rows = boxes as readonly (readonly number[])[];
    rows.forEach((b, i) => {
      if (b.length !== 4) throw new DetectionOptionError(WHERE, `groundTruth[${image}].boxes[${i}]`, b, 'each box is [ymin, xmin, ymax, xmax]');
    });
    flat = Float32Array.from(rows.flat());
  } else if (Array.isArray(boxes)) flat = Float32Array.from(boxes as readonly number[]);
  else throw new DetectionOptionError(WHERE, `groundTruth[${image}].boxes`, boxes, 'a Float32Array of 4·G numbers or an array of [ymin, xmin, ymax, xmax]');
  if (flat.length % 4 !== 0) throw new DetectionOptionError(WHERE, `groundTruth[${image}].boxes.length`, flat.length, 'a multiple of 4');
  for (let i = 0; i < flat.length; i += 4) {
    const box = Array.from(flat.subarray(i, i + 4));
    if (!box.every(Number.isFinite) || !(box[2]! > box[0]! && box[3]! > box[1]!)) {
      throw new DetectionOptionError(WHERE, `groundTruth[${image}].boxes[${i / 4}]`, box, 'finite [ymin, xmin, ymax, xmax] with ymax > ymin and xmax > xmin (normalized coordinates)');
    }
  }
  return flat;
}

function checkLabels(labels: GroundTruth['labels'], count: number, image: number): void {
  if (!labels || typeof labels.length !== 'number') {
    throw new DetectionOptionError(WHERE, `groundTruth[${image}].labels`, labels, 'an array of class ids, one per box');
  }
  if (labels.length !== count) {
    throw new DetectionOptionError(WHERE, `groundTruth[${image}].labels.length`, labels.length, `one label per box (${count} boxes)`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i]! < 1) {
      throw new DetectionOptionError(WHERE, `groundTruth[${image}].labels[${i}]`, labels[i], 'class ids are integers ≥ 1 (0 is the background column)');
    }
  }
}

function threshold(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new DetectionOptionError(WHERE, name, value, 'an IoU in [0, 1]');
  return value;
}

/**
 * Matches anchors to ground-truth boxes by IoU and encodes the matched boxes,
 * as TF-OD's TargetAssigner (core/target_assigner.py) with the ArgMaxMatcher
 * and FasterRcnnBoxCoder of the ssd_mobilenet_v1 configs. Anchors and boxes
 * are normalized `[ymin, xmin, ymax, xmax]`; one entry of `groundTruth` per
 * image (an image may have no boxes: all its anchors are negatives).
 */
export function assignTargets(anchors: AnchorsInput, groundTruth: readonly GroundTruth[], options: AssignTargetsOptions = {}): SsdTargets {
  const anchorData = flatAnchors(anchors, WHERE);
  if (!Array.isArray(groundTruth)) throw new DetectionOptionError(WHERE, 'groundTruth', groundTruth, 'an array with one { boxes, labels } per image');
  const matchedThreshold = threshold(options.matchedThreshold, 'matchedThreshold', 0.5);
  const unmatchedThreshold = threshold(options.unmatchedThreshold, 'unmatchedThreshold', matchedThreshold);
  if (unmatchedThreshold > matchedThreshold) {
    throw new DetectionOptionError(WHERE, 'unmatchedThreshold', unmatchedThreshold, `at most matchedThreshold (${matchedThreshold})`);
  }
  const scales = options.scales ?? SSD_BOX_CODER_SCALES;
  const forceMatchForEachRow = options.forceMatch ?? true;
  const numAnchors = anchorData.length / 4;
  const batchSize = groundTruth.length;
  const boxTargets = new Float32Array(batchSize * numAnchors * 4);
  const classTargets = new Int32Array(batchSize * numAnchors);
  const matches = new Int32Array(batchSize * numAnchors);
  let numPositives = 0;
  groundTruth.forEach((gt, image) => {
    const boxes = flatBoxes(gt?.boxes, image);
    const count = boxes.length / 4;
    checkLabels(gt.labels, count, image);
    const imageMatches = argmaxMatch(iouMatrix(boxes, anchorData), count, numAnchors, { matchedThreshold, unmatchedThreshold, forceMatchForEachRow });
    const base = image * numAnchors;
    matches.set(imageMatches, base);
    // Encode each positive anchor's box against it, in one call to the package's box coder.
    const positives: number[] = [];
    for (let a = 0; a < numAnchors; a++) if (imageMatches[a]! >= 0) positives.push(a);
    const pairedBoxes = new Float32Array(positives.length * 4);
    const pairedAnchors = new Float32Array(positives.length * 4);
    positives.forEach((a, p) => {
      const m = imageMatches[a]!;
      pairedBoxes.set(boxes.subarray(4 * m, 4 * m + 4), 4 * p);
      pairedAnchors.set(anchorData.subarray(4 * a, 4 * a + 4), 4 * p);
      classTargets[base + a] = gt.labels[m]!;
    });
    const encoded = encodeBoxes(pairedBoxes, pairedAnchors, scales);
    positives.forEach((a, p) => boxTargets.set(encoded.subarray(4 * p, 4 * p + 4), 4 * (base + a)));
    numPositives += positives.length;
  });
  return { batchSize, numAnchors, boxTargets, classTargets, matches, numPositives };
}

/** The targets of several batches (or single images) as one batch, in order. */
export function concatTargets(parts: readonly SsdTargets[]): SsdTargets {
  if (parts.length === 0) throw new DetectionOptionError('concatTargets', 'parts', parts, 'at least one SsdTargets');
  const numAnchors = parts[0]!.numAnchors;
  for (const p of parts) {
    if (p.numAnchors !== numAnchors) throw new DetectionOptionError('concatTargets', 'numAnchors', p.numAnchors, `every part has ${numAnchors} anchors`);
  }
  const batchSize = parts.reduce((n, p) => n + p.batchSize, 0);
  const boxTargets = new Float32Array(batchSize * numAnchors * 4);
  const classTargets = new Int32Array(batchSize * numAnchors);
  const matches = new Int32Array(batchSize * numAnchors);
  let offset = 0;
  for (const p of parts) {
    boxTargets.set(p.boxTargets, offset * numAnchors * 4);
    classTargets.set(p.classTargets, offset * numAnchors);
    matches.set(p.matches, offset * numAnchors);
    offset += p.batchSize;
  }
  return { batchSize, numAnchors, boxTargets, classTargets, matches, numPositives: parts.reduce((n, p) => n + p.numPositives, 0) };
}
