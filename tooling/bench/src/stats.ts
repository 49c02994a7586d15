/** Summary statistics of a list of timings (milliseconds). */
export interface Timing {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly p90: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, median: quantile(sorted, 0.5), min: sorted[0]!, p90: quantile(sorted, 0.9) };
}
