/** A detected face as the page exposes it (`data-detections`) and as the test writes the Node results. */
export interface Face {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly score: number;
}

export function iou(a: Face, b: Face): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const intersection = ix * iy;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

export interface FaceMatch {
  readonly expected: Face;
  readonly actual: Face;
  readonly iou: number;
  readonly scoreDifference: number;
}

/**
 * Pairs each expected face with the actual face it overlaps most (each
 * actual face used once, best pairs first). Unpaired faces on either side
 * are returned apart, so a test can say which boxes are missing or extra.
 */
export function matchFaces(expected: readonly Face[], actual: readonly Face[]): { pairs: FaceMatch[]; missing: Face[]; extra: Face[] } {
  const candidates = expected.flatMap((e, i) => actual.map((a, j) => ({ i, j, iou: iou(e, a) }))).filter((c) => c.iou > 0);
  candidates.sort((p, q) => q.iou - p.iou);
  const usedExpected = new Set<number>();
  const usedActual = new Set<number>();
  const pairs: FaceMatch[] = [];
  for (const c of candidates) {
    if (usedExpected.has(c.i) || usedActual.has(c.j)) continue;
    usedExpected.add(c.i);
    usedActual.add(c.j);
    const e = expected[c.i]!;
    const a = actual[c.j]!;
    pairs.push({ expected: e, actual: a, iou: c.iou, scoreDifference: Math.abs(e.score - a.score) });
  }
  return {
    pairs,
    missing: expected.filter((_, i) => !usedExpected.has(i)),
    extra: actual.filter((_, j) => !usedActual.has(j)),
  };
}
