/**
 * Classification metrics over integer labels. `predicted` holds one class per
 * sample; `scores` (for top-k) holds `count · classes` values, row-major.
 */

type Labels = ArrayLike<number>;

function checkPair(actual: Labels, predicted: Labels, where: string): void {
  if (actual.length !== predicted.length) throw new RangeError(`${where}: ${actual.length} true labels but ${predicted.length} predictions`);
}

/** Fraction of samples whose prediction equals the label (NaN for no samples). */
export function accuracy(actual: Labels, predicted: Labels): number {
  checkPair(actual, predicted, 'accuracy');
  if (actual.length === 0) return Number.NaN;
  let right = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) right++;
  return right / actual.length;
}

/** The index of the largest score of each row (ties: the lowest index). */
export function argmaxRows(scores: ArrayLike<number>, classes: number): Int32Array {
  if (!Number.isInteger(classes) || classes < 1 || scores.length % classes !== 0) throw new RangeError(`argmaxRows: ${scores.length} scores do not split into rows of ${classes}`);
  const n = scores.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = scores[i * classes]!;
    for (let c = 1; c < classes; c++) {
      const v = scores[i * classes + c]!;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Fraction of samples whose label is among the k highest scores. A label
 * tied with the k-th score counts only if fewer than k scores are strictly
 * higher than it (ties do not push it out).
 */
export function topKAccuracy(actual: Labels, scores: ArrayLike<number>, classes: number, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`topKAccuracy: k must be an integer ≥ 1, got ${k}`);
  if (scores.length !== actual.length * classes) throw new RangeError(`topKAccuracy: ${scores.length} scores for ${actual.length} samples of ${classes} classes (expected ${actual.length * classes})`);
  if (actual.length === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < actual.length; i++) {
    const label = actual[i]!;
    const own = scores[i * classes + label]!;
    let higher = 0;
    for (let c = 0; c < classes; c++) if (scores[i * classes + c]! > own) higher++;
    if (higher < k) hits++;
  }
  return hits / actual.length;
}

/** `matrix[actual][predicted]` counts, `classes × classes`, row-major. */
export interface ConfusionMatrix {
  readonly classes: number;
  readonly counts: Int32Array;
}

export function confusionMatrix(actual: Labels, predicted: Labels, classes: number): ConfusionMatrix {
  checkPair(actual, predicted, 'confusionMatrix');
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`confusionMatrix: classes must be an integer ≥ 1, got ${classes}`);
  const counts = new Int32Array(classes * classes);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    if (!(a >= 0 && a < classes && Number.isInteger(a))) throw new RangeError(`confusionMatrix: true label ${a} of sample ${i} is outside 0..${classes - 1}`);
    if (!(p >= 0 && p < classes && Number.isInteger(p))) throw new RangeError(`confusionMatrix: predicted class ${p} of sample ${i} is outside 0..${classes - 1}`);
    counts[a * classes + p]!++;
  }
  return { classes, counts };
}

export interface ClassMetrics {
  readonly index: number;
  readonly label: string;
  /** Samples of this class. */
  readonly support: number;
  /** Of the samples predicted as this class, the fraction that are (NaN when none is predicted). */
  readonly precision: number;
  /** Of the samples of this class, the fraction predicted as it (NaN when it has no samples). */
  readonly recall: number;
}

/** Precision and recall of each class, from a confusion matrix. */
export function perClassMetrics(matrix: ConfusionMatrix, labels?: readonly string[]): ClassMetrics[] {
  const { classes, counts } = matrix;
  const out: ClassMetrics[] = [];
  for (let c = 0; c < classes; c++) {
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < classes; j++) {
      support += counts[c * classes + j]!;
      predictedAs += counts[j * classes + c]!;
    }
    const tp = counts[c * classes + c]!;
    out.push({ index: c, label: labels?.[c] ?? String(c), support, precision: predictedAs ? tp / predictedAs : Number.NaN, recall: support ? tp / support : Number.NaN });
  }
  return out;
}

export interface ClassificationReport {
  readonly count: number;
  readonly accuracy: number;
  readonly confusion: ConfusionMatrix;
  readonly perClass: readonly ClassMetrics[];
}

/** Accuracy, confusion matrix and per-class precision and recall in one call. */
export function classificationReport(actual: Labels, predicted: Labels, labels: readonly string[]): ClassificationReport {
  const confusion = confusionMatrix(actual, predicted, labels.length);
  return { count: actual.length, accuracy: accuracy(actual, predicted), confusion, perClass: perClassMetrics(confusion, labels) };
}
