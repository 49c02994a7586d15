/** How class logits become scores. SSD MobileNetV1 (TF-OD, face-api) uses sigmoid; softmax is the other SSD choice. */
export type ScoreConversion = 'sigmoid' | 'softmax';

/**
 * Converts class logits `[anchors, classes]` (class 0 = background) into
 * per-class scores of the same layout: an independent sigmoid per value, or a
 * softmax over each anchor's classes (max-subtracted for stability).
 */
export function logitsToScores(logits: Float32Array, classes: number, conversion: ScoreConversion): Float32Array {
  const out = new Float32Array(logits.length);
  if (conversion === 'sigmoid') {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
  for (let a = 0; a < logits.length; a += classes) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[a + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[a + c]! - max);
      out[a + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[a + c] = out[a + c]! / sum;
  }
  return out;
}
