import { type AnchorsInput, flatAnchors } from './anchors-input';
import { iouMatrix } from './box-iou';
import type { GroundTruth } from './assign-targets';

export interface AnchorCoverage {
  readonly objects: number;
  /** Objects with at least one anchor at IoU ≥ threshold (a real match; the others get only the forced match of their best anchor). */
  readonly matched: number;
  /** Anchors at IoU ≥ threshold per object, on average. */
  readonly anchorsPerObject: number;
  /** Best IoU of the median object. */
  readonly medianBestIou: number;
}

/**
 * How well the anchors fit the boxes (normalized `[ymin, xmin, ymax, xmax]`, as assignTargets takes them):
 * a detector learns little from objects whose best anchor overlaps them by less than the matching
 * threshold (TF-OD: 0.5), so a low share here says the feature maps are too coarse or the anchor
 * scales too large for the objects (say, TF-OD's 300 px head at 128 px).
 */
export function anchorCoverage(anchors: AnchorsInput, groundTruth: readonly Pick<GroundTruth, 'boxes'>[], threshold = 0.5): AnchorCoverage {
  const a = flatAnchors(anchors, 'anchorCoverage');
  let objects = 0;
  let matched = 0;
  let positives = 0;
  const best: number[] = [];
  for (const gt of groundTruth) {
    const rows = gt.boxes as Float32Array | readonly number[] | readonly (readonly number[])[];
    const boxes = rows instanceof Float32Array ? rows : Float32Array.from((rows as readonly (number | readonly number[])[]).flat());
    const g = boxes.length / 4;
    if (g === 0) continue;
    const iou = iouMatrix(boxes, a);
    const n = a.length / 4;
    for (let i = 0; i < g; i++) {
      let top = 0;
      let count = 0;
      for (let j = 0; j < n; j++) {
        const v = iou[i * n + j]!;
        if (v > top) top = v;
        if (v >= threshold) count++;
      }
      objects++;
      positives += count;
      if (count > 0) matched++;
      best.push(top);
    }
  }
  best.sort((x, y) => x - y);
  return { objects, matched, anchorsPerObject: objects ? positives / objects : 0, medianBestIou: best.length ? best[Math.floor((best.length - 1) / 2)]! : 0 };
}
