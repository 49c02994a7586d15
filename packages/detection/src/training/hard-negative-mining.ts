export interface HardNegativeMiningOptions {
  /** At most this many negatives per positive in each image (floor(ratio · positives)); Infinity keeps every negative. */
  readonly negativesPerPositive: number;
  /** At least this many negatives per image, so that images without boxes still teach the background. Default 0. */
  readonly minNegativesPerImage?: number;
}

export interface MinedSelection {
  /** `[B, A]`: 1 for anchors whose classification loss counts (positives and the hardest negatives), else 0. */
  readonly mask: Float32Array;
  readonly numPositives: number;
  readonly numNegatives: number;
}

/**
 * Online hard example mining as TF-OD's HardExampleMiner with
 * loss_type CLASSIFICATION (core/losses.py): per image, every positive is
 * kept and the negatives (match −1; ignored anchors, −2, never) are ranked by
 * classification loss, keeping the top max(minNegativesPerImage,
 * floor(negativesPerPositive · positives)). Ties keep the lower anchor index.
 * TF-OD first takes the top `num_hard_examples` (3000) anchors after an NMS at
 * IoU 0.99 over the predicted boxes; that only removes near-duplicate
 * predictions and is not done here.
 */
export function mineHardNegatives(
  clsLossPerAnchor: ArrayLike<number>,
  matches: Int32Array,
  batchSize: number,
  numAnchors: number,
  options: HardNegativeMiningOptions,
): MinedSelection {
  const mask = new Float32Array(batchSize * numAnchors);
  let numPositives = 0;
  let numNegatives = 0;
  const minNegatives = options.minNegativesPerImage ?? 0;
  for (let b = 0; b < batchSize; b++) {
    const base = b * numAnchors;
    const negatives: number[] = [];
    let positives = 0;
    for (let a = 0; a < numAnchors; a++) {
      const m = matches[base + a]!;
      if (m >= 0) {
        mask[base + a] = 1;
        positives++;
      } else if (m === -1) negatives.push(a);
    }
    const wanted = Math.max(minNegatives, Number.isFinite(options.negativesPerPositive) ? Math.floor(options.negativesPerPositive * positives) : negatives.length);
    const keep = Math.min(wanted, negatives.length);
    if (keep < negatives.length) negatives.sort((x, y) => clsLossPerAnchor[base + y]! - clsLossPerAnchor[base + x]! || x - y);
    for (let i = 0; i < keep; i++) mask[base + negatives[i]!] = 1;
    numPositives += positives;
    numNegatives += keep;
  }
  return { mask, numPositives, numNegatives };
}
