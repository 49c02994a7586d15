import type { HostTensor } from '../backend';
import { formatShape } from '../errors';

/** Allowed error: `|actual − expected| ≤ atol + rtol · |expected|`, element by element. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** Row-major index → `[i, j, …]`, for messages. */
export function unravelIndex(index: number, shape: readonly number[]): number[] {
  const at: number[] = new Array(shape.length).fill(0);
  let rest = index;
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a]!;
    at[a] = d === 0 ? 0 : rest % d;
    rest = d === 0 ? 0 : Math.floor(rest / d);
  }
  return at;
}

/** The worst element of one comparison, by how far it exceeds its allowance (NaN counts as infinitely far). */
export interface Mismatch {
  readonly index: number;
  readonly expected: number;
  readonly actual: number;
  readonly error: number;
  readonly allowed: number;
  /** How many elements are out of tolerance. */
  readonly count: number;
}

export function worstMismatch(expected: Float32Array, actual: ArrayLike<number>, tolerance: Tolerance): Mismatch | undefined {
  let worst: Mismatch | undefined;
  let worstExcess = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const error = Math.abs(a - e);
    const allowed = tolerance.atol + tolerance.rtol * Math.abs(e);
    // `!(error <= allowed)` also catches NaN in either value; equal infinities pass.
    if (a === e || error <= allowed) continue;
    count++;
    const excess = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error - allowed;
    if (excess > worstExcess || worst === undefined) {
      worstExcess = excess;
      worst = { index: i, expected: e, actual: a, error, allowed, count: 0 };
    }
  }
  return worst && { ...worst, count };
}

/**
 * Checks every expected output against the actual ones: present, same shape,
 * every element within tolerance. Throws an Error that names the case, the
 * output, the worst element (flat index and coordinates), expected vs actual.
 */
export function assertOutputsClose(
  label: string,
  expected: Readonly<Record<string, HostTensor>>,
  actual: Readonly<Record<string, HostTensor>>,
  tolerance: Tolerance,
): void {
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) throw new Error(`${label}: output "${name}" is missing (outputs returned: ${Object.keys(actual).join(', ') || 'none'})`);
    const shapeOk = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
    if (!shapeOk) throw new Error(`${label}: output "${name}" has shape ${formatShape(got.shape)}, expected ${formatShape(want.shape)}`);
    if (!got.data || got.data.length !== want.data.length) {
      throw new Error(`${label}: output "${name}" holds ${got.data?.length ?? 'no'} values, expected ${want.data.length} for shape ${formatShape(want.shape)}`);
    }
    const m = worstMismatch(want.data, got.data, tolerance);
    if (m) {
      throw new Error(
        `${label}: output "${name}" ${formatShape(want.shape)} differs at index ${m.index} ${formatShape(unravelIndex(m.index, want.shape))}: ` +
          `expected ${m.expected}, got ${m.actual} (|error| ${m.error.toExponential(3)} > allowed ${m.allowed.toExponential(3)} = ` +
          `atol ${tolerance.atol} + rtol ${tolerance.rtol}·|expected|); ${m.count} of ${want.data.length} values out of tolerance`,
      );
    }
  }
}

/** The largest `|a[i] − b[i]|`; throws when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
