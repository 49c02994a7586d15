/**
 * Greedy hard non-max suppression with the semantics of tfjs-core 4.22's
 * `tf.image.nonMaxSuppression` (backends/non_max_suppression_impl.ts with
 * softNmsSigma 0), written in plain TypeScript so that decoding needs no
 * tensors and works with any backend:
 * - candidates are the boxes whose score is strictly above `scoreThreshold`;
 * - they are taken by descending score, the lower index first on ties;
 * - a candidate is dropped when its IoU with an already selected box is
 *   ≥ `iouThreshold` (boxes of zero area have IoU 0 with everything);
 * - at most `maxOutputSize` indices are returned, in selection order.
 * Boxes are `[y1, x1, y2, x2]` in any corner order, as in tfjs.
 */
export function nonMaxSuppression(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  maxOutputSize: number,
  iouThreshold: number,
  scoreThreshold: number,
  /** Reads the score of box i at `scores[i·stride + offset]` (class columns of a [boxes, classes] array). */
  layout: { stride: number; offset: number } = { stride: 1, offset: 0 },
): number[] {
  const count = boxes.length / 4;
  const candidates: number[] = [];
  for (let i = 0; i < count; i++) if (scores[i * layout.stride + layout.offset]! > scoreThreshold) candidates.push(i);
  const score = (i: number) => scores[i * layout.stride + layout.offset]!;
  candidates.sort((a, b) => score(b) - score(a) || a - b);
  const selected: number[] = [];
  for (const i of candidates) {
    if (selected.length >= maxOutputSize) break;
    let keep = true;
    // Newest first, as tfjs: overlapping boxes tend to have close scores.
    for (let j = selected.length - 1; j >= 0; j--) {
      if (intersectionOverUnion(boxes, i, selected[j]!) >= iouThreshold) {
        keep = false;
        break;
      }
    }
    if (keep) selected.push(i);
  }
  return selected;
}

/** IoU of boxes i and j of a `[n·4]` array, as tfjs computes it (corners sorted first). */
export function intersectionOverUnion(boxes: Float32Array, i: number, j: number): number {
  const a = i * 4;
  const b = j * 4;
  const yminI = Math.min(boxes[a]!, boxes[a + 2]!);
  const xminI = Math.min(boxes[a + 1]!, boxes[a + 3]!);
  const ymaxI = Math.max(boxes[a]!, boxes[a + 2]!);
  const xmaxI = Math.max(boxes[a + 1]!, boxes[a + 3]!);
  const yminJ = Math.min(boxes[b]!, boxes[b + 2]!);
  const xminJ = Math.min(boxes[b + 1]!, boxes[b + 3]!);
  const ymaxJ = Math.max(boxes[b]!, boxes[b + 2]!);
  const xmaxJ = Math.max(boxes[b + 1]!, boxes[b + 3]!);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const ih = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0);
  const iw = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  const inter = ih * iw;
  return inter / (areaI + areaJ - inter);
}
