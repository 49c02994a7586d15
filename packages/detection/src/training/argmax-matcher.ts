/** Match values of an anchor that has no ground-truth box: a negative, or ignored (no loss at all). */
export const UNMATCHED = -1;
export const IGNORED = -2;

export interface ArgmaxMatcherOptions {
  /** An anchor whose best IoU is ≥ this is matched to that box. */
  readonly matchedThreshold: number;
  /** An anchor whose best IoU is < this is a negative; in between it is ignored. */
  readonly unmatchedThreshold: number;
  /** Match every box to its best anchor even below the threshold. */
  readonly forceMatchForEachRow: boolean;
}

/**
 * TF Object Detection API's ArgMaxMatcher (matchers/argmax_matcher.py) with
 * negatives_lower_than_unmatched = true: each anchor (column) takes the box
 * (row) of highest IoU (the first one on ties, as tf.argmax); best IoU
 * < unmatched → UNMATCHED, in [unmatched, matched) → IGNORED. With
 * forceMatchForEachRow, each box then claims its own best anchor whatever the
 * IoU; when two boxes claim the same anchor, the lower-indexed box wins (as
 * tf.argmax over the one-hot indicators does there).
 *
 * `similarity` is row-major `[rows, cols]`; returns per column the matched
 * row, UNMATCHED or IGNORED. No rows: every column is UNMATCHED.
 */
export function argmaxMatch(similarity: Float32Array, rows: number, cols: number, options: ArgmaxMatcherOptions): Int32Array {
  const matches = new Int32Array(cols).fill(UNMATCHED);
  if (rows === 0) return matches;
  for (let j = 0; j < cols; j++) {
    let best = 0;
    let bestValue = similarity[j]!;
    for (let i = 1; i < rows; i++) {
      const v = similarity[i * cols + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    matches[j] = bestValue >= options.matchedThreshold ? best : bestValue < options.unmatchedThreshold ? UNMATCHED : IGNORED;
  }
  if (options.forceMatchForEachRow) {
    const forced = new Int32Array(cols).fill(-1);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      let bestValue = similarity[i * cols]!;
      for (let j = 1; j < cols; j++) {
        const v = similarity[i * cols + j]!;
        if (v > bestValue) {
          bestValue = v;
          best = j;
        }
      }
      if (forced[best] === -1) forced[best] = i;
    }
    for (let j = 0; j < cols; j++) if (forced[j]! >= 0) matches[j] = forced[j]!;
  }
  return matches;
}
