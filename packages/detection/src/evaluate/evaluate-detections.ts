import type { Box } from '@mobilenet-kit/image';
import { DetectionOptionError } from '../errors';

/** One annotated object of an image. */
export interface GroundTruthObject {
  /** In pixels (or any unit, the same as the predictions'): top-left corner, width, height. */
  readonly box: Box;
  /** Class index (1 = first foreground class, as `Detection.classIndex`). */
  readonly classIndex: number;
  /** COCO `iscrowd`: a region that a detection may match without counting (COCO metric only; VOC skips it as difficult). */
  readonly crowd?: boolean;
  /** VOC `difficult`: neither a hit nor a miss for the VOC metric (COCO metric: counted as a normal object, as the COCO converters do not carry it). */
  readonly difficult?: boolean;
}

export interface ImageGroundTruth {
  readonly imageId: string | number;
  readonly objects: readonly GroundTruthObject[];
}

export interface PredictedObject {
  readonly box: Box;
  readonly classIndex: number;
  readonly score: number;
}

export interface ImagePredictions {
  readonly imageId: string | number;
  readonly detections: readonly PredictedObject[];
}

export interface EvaluateDetectionsOptions {
  /** Name of each class index (index 1 first, as a detector's labels). Default: the class indices found in the ground truth, named by number. */
  readonly labels?: readonly (string | null)[];
  /** COCO's maxDets: detections kept per image and class, highest scores first. Default 100. */
  readonly maxDetections?: number;
}

/** A precision–recall curve: precision after each detection, in descending score order (VOC, IoU 0.5). */
export interface PrCurve {
  readonly recall: Float64Array;
  readonly precision: Float64Array;
}

export interface ClassEvaluation {
  readonly classIndex: number;
  readonly name: string;
  /** Objects that count (VOC: not difficult; COCO: not crowd). */
  readonly numGroundTruth: number;
  readonly numDetections: number;
  /** VOC AP at IoU 0.5 (all-point interpolation); null when the class has no countable object. */
  readonly ap50: number | null;
  /** COCO AP averaged over IoU 0.50:0.05:0.95 (101-point interpolation); null likewise. */
  readonly ap: number | null;
  /** COCO AP at IoU 0.5 and 0.75 (101-point). */
  readonly cocoAp50: number | null;
  readonly cocoAp75: number | null;
  /** The VOC curve at IoU 0.5 (raw precision, before the envelope). */
  readonly pr: PrCurve;
}

export interface DetectionEvaluation {
  /** Mean of the classes' VOC AP@0.5 (all-point), classes without objects left out. */
  readonly mAP50: number;
  /** COCO mAP@[.5:.95] (101-point), classes without objects left out. */
  readonly mAP: number;
  /** COCO mAP at IoU 0.5 and 0.75 (101-point). */
  readonly cocoMAP50: number;
  readonly cocoMAP75: number;
  readonly perClass: readonly ClassEvaluation[];
}

/** IoU thresholds of the COCO metric: 0.50, 0.55, …, 0.95 (as pycocotools: linspace(.5, .95, 10)). */
export const COCO_IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => 0.5 + (0.45 * i) / 9);
/** Recall points of COCO's interpolation: 0, 0.01, …, 1. */
export const COCO_RECALL_POINTS: readonly number[] = Array.from({ length: 101 }, (_, i) => i / 100);

const WHERE = 'evaluateDetections';

const area = (b: Box) => Math.max(0, b.width) * Math.max(0, b.height);

/** Intersection over union of two boxes, or over the detection's area alone when `crowd` (COCO's rule for crowd regions). */
function overlap(d: Box, g: Box, crowd: boolean): number {
  const iw = Math.min(d.x + d.width, g.x + g.width) - Math.max(d.x, g.x);
  const ih = Math.min(d.y + d.height, g.y + g.height) - Math.max(d.y, g.y);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = crowd ? area(d) : area(d) + area(g) - inter;
  return union > 0 ? inter / union : 0;
}

function checkBox(box: Box, where: string): void {
  if (!box || ![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width < 0 || box.height < 0) {
    throw new DetectionOptionError(WHERE, where, box, '{ x, y, width, height } with finite numbers and width, height ≥ 0');
  }
}

/** Area under the precision envelope at every recall step (VOC 2010+ "all-point" AP, voc_ap(use_07_metric=False)). */
function allPointAp(recall: Float64Array, precision: Float64Array): number {
  const n = recall.length;
  const mpre = new Float64Array(n + 2);
  const mrec = new Float64Array(n + 2);
  mrec.set(recall, 1);
  mrec[n + 1] = 1;
  mpre.set(precision, 1);
  for (let i = n; i >= 0; i--) mpre[i] = Math.max(mpre[i]!, mpre[i + 1]!);
  let ap = 0;
  for (let i = 1; i <= n + 1; i++) if (mrec[i] !== mrec[i - 1]) ap += (mrec[i]! - mrec[i - 1]!) * mpre[i]!;
  return ap;
}

/** Precision at the 101 recall points after the envelope (COCO's accumulate()); AP is their mean. */
function cocoInterpolatedAp(tp: readonly boolean[], ignored: readonly boolean[], numGt: number): number {
  const rc: number[] = [];
  const pr: number[] = [];
  let t = 0;
  let f = 0;
  for (let i = 0; i < tp.length; i++) {
    if (ignored[i]) continue;
    if (tp[i]) t++;
    else f++;
    rc.push(t / numGt);
    pr.push(t / (t + f + Number.EPSILON));
  }
  for (let i = pr.length - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
  let sum = 0;
  let p = 0;
  for (const r of COCO_RECALL_POINTS) {
    // searchsorted(rc, r, side='left'): first index with rc[i] >= r.
    while (p < rc.length && rc[p]! < r) p++;
    if (p < rc.length) sum += pr[p]!;
  }
  return sum / COCO_RECALL_POINTS.length;
}

interface Det {
  readonly image: number;
  readonly box: Box;
  readonly score: number;
}

/** VOC at IoU 0.5: greedy in descending score, each detection takes the unmatched object of highest IoU ≥ 0.5. */
function vocClass(dets: readonly Det[], gts: readonly (readonly GroundTruthObject[])[]): { ap: number | null; numGt: number; pr: PrCurve } {
  const numGt = gts.reduce((a, g) => a + g.filter((o) => !o.difficult && !o.crowd).length, 0);
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const used = gts.map((g) => new Uint8Array(g.length));
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const d of sorted) {
    const g = gts[d.image]!;
    let best = -1;
    let bestIou = -Infinity;
    for (let j = 0; j < g.length; j++) {
      const iou = overlap(d.box, g[j]!.box, false);
      if (iou > bestIou) {
        bestIou = iou;
        best = j;
      }
    }
    if (best >= 0 && bestIou >= 0.5) {
      const o = g[best]!;
      if (o.difficult || o.crowd) continue; // neither a hit nor a miss
      if (!used[d.image]![best]) {
        used[d.image]![best] = 1;
        tp++;
      } else fp++;
    } else fp++;
    recall.push(numGt > 0 ? tp / numGt : 0);
    precision.push(tp / (tp + fp));
  }
  const pr = { recall: Float64Array.from(recall), precision: Float64Array.from(precision) };
  return { ap: numGt > 0 ? allPointAp(pr.recall, pr.precision) : null, numGt, pr };
}

/** COCO's evaluateImg + accumulate for one class (area range "all"): AP per IoU threshold. */
function cocoClass(dets: readonly Det[], gts: readonly (readonly GroundTruthObject[])[], maxDets: number): { aps: number[] | null; numGt: number } {
  const numGt = gts.reduce((a, g) => a + g.filter((o) => !o.crowd).length, 0);
  if (numGt === 0) return { aps: null, numGt };
  const perImage = gts.map(() => [] as Det[]);
  for (const d of dets) perImage[d.image]!.push(d);
  const aps: number[] = [];
  for (const t of COCO_IOU_THRESHOLDS) {
    const scores: number[] = [];
    const matched: boolean[] = [];
    const ignored: boolean[] = [];
    perImage.forEach((imageDets, image) => {
      // Objects: countable ones first, crowd regions last (stable); detections: highest score first, at most maxDets.
      const g = [...gts[image]!].sort((a, b) => Number(a.crowd === true) - Number(b.crowd === true));
      const d = [...imageDets].sort((a, b) => b.score - a.score).slice(0, maxDets);
      const gtMatched = new Uint8Array(g.length);
      for (const det of d) {
        let iou = Math.min(t, 1 - 1e-10);
        let m = -1;
        for (let j = 0; j < g.length; j++) {
          if (gtMatched[j] && !g[j]!.crowd) continue;
          // Once matched to a countable object, stop at the first crowd region.
          if (m > -1 && !g[m]!.crowd && g[j]!.crowd) break;
          const o = overlap(det.box, g[j]!.box, g[j]!.crowd === true);
          if (o < iou) continue;
          iou = o;
          m = j;
        }
        scores.push(det.score);
        if (m === -1) {
          matched.push(false);
          ignored.push(false);
        } else {
          gtMatched[m] = 1;
          matched.push(true);
          ignored.push(g[m]!.crowd === true);
        }
      }
    });
    const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
    aps.push(
      cocoInterpolatedAp(
        order.map((i) => matched[i]!),
        order.map((i) => ignored[i]!),
        numGt,
      ),
    );
  }
  return { aps, numGt };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Scores detections against ground truth with the two standard metrics:
 *
 * - **VOC mAP@0.5** (Everingham et al. 2010, devkit 2010+): per class, the
 *   detections of all images in descending score; each takes the object of
 *   highest IoU in its image if IoU ≥ 0.5 and that object is not taken yet
 *   (else a false positive); `difficult` objects (and crowd regions) are
 *   neither; AP is the area under the precision envelope at every recall step.
 * - **COCO mAP@[.5:.95]** (pycocotools' COCOeval, area "all", maxDets 100):
 *   per image and class, countable objects first, crowd regions last
 *   (a detection on a crowd region is ignored, IoU over the detection's area);
 *   precision at 101 recall points after the envelope, averaged over the
 *   classes and the ten IoU thresholds.
 *
 * Boxes are continuous coordinates (no VOC "+1 pixel"). Ties in score keep
 * input order (stable sorts, as both reference implementations). Classes with
 * no countable object get `null` and stay out of the means.
 */
export function evaluateDetections(
  predictions: readonly ImagePredictions[],
  groundTruth: readonly ImageGroundTruth[],
  options: EvaluateDetectionsOptions = {},
): DetectionEvaluation {
  if (!Array.isArray(groundTruth as unknown)) throw new DetectionOptionError(WHERE, 'groundTruth', groundTruth, 'an array of { imageId, objects }');
  if (!Array.isArray(predictions as unknown)) throw new DetectionOptionError(WHERE, 'predictions', predictions, 'an array of { imageId, detections }');
  const maxDets = options.maxDetections ?? 100;
  if (!Number.isInteger(maxDets) || maxDets < 1) throw new DetectionOptionError(WHERE, 'maxDetections', maxDets, 'an integer ≥ 1');
  const imageIndex = new Map<string | number, number>();
  groundTruth.forEach((g, i) => {
    if (imageIndex.has(g.imageId)) throw new DetectionOptionError(WHERE, `groundTruth[${i}].imageId`, g.imageId, 'an id not used by another image');
    imageIndex.set(g.imageId, i);
    g.objects.forEach((o, j) => checkBox(o.box, `groundTruth[${i}].objects[${j}].box`));
  });
  const classes = new Set<number>();
  for (const g of groundTruth) for (const o of g.objects) classes.add(o.classIndex);
  if (options.labels) options.labels.forEach((l, i) => l !== null && classes.add(i + 1));
  const detsByClass = new Map<number, Det[]>();
  predictions.forEach((p, i) => {
    const image = imageIndex.get(p.imageId);
    if (image === undefined) throw new DetectionOptionError(WHERE, `predictions[${i}].imageId`, p.imageId, 'the id of an image of the ground truth');
    p.detections.forEach((d, j) => {
      checkBox(d.box, `predictions[${i}].detections[${j}].box`);
      if (!Number.isFinite(d.score)) throw new DetectionOptionError(WHERE, `predictions[${i}].detections[${j}].score`, d.score, 'a finite number');
      let list = detsByClass.get(d.classIndex);
      if (!list) detsByClass.set(d.classIndex, (list = []));
      list.push({ image, box: d.box, score: d.score });
    });
  });
  const perClass: ClassEvaluation[] = [];
  for (const c of [...classes].sort((a, b) => a - b)) {
    const gts = groundTruth.map((g) => g.objects.filter((o) => o.classIndex === c));
    const dets = detsByClass.get(c) ?? [];
    const voc = vocClass(dets, gts);
    const coco = cocoClass(dets, gts, maxDets);
    const name = options.labels?.[c - 1] ?? String(c);
    perClass.push({
      classIndex: c,
      name,
      numGroundTruth: voc.numGt,
      numDetections: dets.length,
      ap50: voc.ap,
      ap: coco.aps ? mean(coco.aps) : null,
      cocoAp50: coco.aps ? coco.aps[0]! : null,
      cocoAp75: coco.aps ? coco.aps[5]! : null,
      pr: voc.pr,
    });
  }
  const of = (key: 'ap50' | 'ap' | 'cocoAp50' | 'cocoAp75') => mean(perClass.map((c) => c[key]).filter((v): v is number => v !== null));
  return { mAP50: of('ap50'), mAP: of('ap'), cocoMAP50: of('cocoAp50'), cocoMAP75: of('cocoAp75'), perClass };
}
