import { FaceOptionError } from '../errors';

/** One point of a verification curve: at distance threshold t, a pair is accepted as the same face when d < t. */
export interface ThresholdPoint {
  readonly threshold: number;
  /** False accept rate: the fraction of different-face pairs with d < t. */
  readonly far: number;
  /** False reject rate: the fraction of same-face pairs with d ≥ t. */
  readonly frr: number;
}

function check(where: string, same: readonly number[], different: readonly number[]): void {
  if (same.length === 0 || different.length === 0) throw new FaceOptionError(where, 'pairs', `${same.length} same, ${different.length} different`, 'expected at least one pair of each kind');
  for (const d of [...same, ...different]) if (!Number.isFinite(d) || d < 0) throw new FaceOptionError(where, 'distance', d, 'expected finite distances ≥ 0');
}

const rateBelow = (sorted: readonly number[], t: number) => {
  // Number of values < t in an ascending list (binary search).
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
};

/** FAR and FRR at each threshold (ascending). */
export function thresholdCurve(same: readonly number[], different: readonly number[], thresholds: readonly number[]): ThresholdPoint[] {
  check('thresholdCurve', same, different);
  const s = [...same].sort((a, b) => a - b);
  const d = [...different].sort((a, b) => a - b);
  return [...thresholds].sort((a, b) => a - b).map((t) => ({ threshold: t, far: rateBelow(d, t), frr: 1 - rateBelow(s, t) }));
}

/** Candidate thresholds: every distinct distance and the midpoints between neighbours, so that each achievable (FAR, FRR) is tried. */
function candidates(same: readonly number[], different: readonly number[]): number[] {
  const all = [...new Set([...same, ...different])].sort((a, b) => a - b);
  const out = [all[0]!];
  for (let i = 1; i < all.length; i++) out.push((all[i - 1]! + all[i]!) / 2, all[i]!);
  out.push(all[all.length - 1]! * 1.0001 + 1e-9);
  return out;
}

/** The threshold where FAR and FRR are closest (the equal error rate is their mean there). */
export function equalErrorRate(same: readonly number[], different: readonly number[]): ThresholdPoint & { readonly rate: number } {
  check('equalErrorRate', same, different);
  let best: ThresholdPoint | undefined;
  for (const p of thresholdCurve(same, different, candidates(same, different))) {
    if (!best || Math.abs(p.far - p.frr) < Math.abs(best.far - best.frr)) best = p;
  }
  return { ...best!, rate: (best!.far + best!.frr) / 2 };
}

/** The largest threshold whose FAR stays ≤ maxFar (the lowest FRR under that constraint). */
export function thresholdAtFar(same: readonly number[], different: readonly number[], maxFar: number): ThresholdPoint {
  check('thresholdAtFar', same, different);
  if (!(maxFar >= 0 && maxFar <= 1)) throw new FaceOptionError('thresholdAtFar', 'maxFar', maxFar, 'expected a fraction in [0, 1]');
  let best: ThresholdPoint | undefined;
  for (const p of thresholdCurve(same, different, candidates(same, different))) if (p.far <= maxFar) best = p;
  return best ?? { threshold: 0, far: 0, frr: 1 };
}
