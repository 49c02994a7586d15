/**
 * Checks that numbers which must be finite are: weights once decoded
 * (float32, float16, dequantized uint8/uint16), gallery vectors, and model
 * outputs at run time. A NaN or ±Infinity is reported with its index, so
 * nothing runs on (or prints) a value that is not a number.
 */

/** Index of the first value of `data` that is NaN or ±Infinity, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v - v is 0 for finite numbers and NaN for NaN and ±Infinity.
    if (v - v !== 0) return i;
  }
  return -1;
}

/** "index 12 (NaN)", with the flat index turned into a coordinate when the shape is known. */
export function describeIndex(index: number, value: number, shape?: readonly number[]): string {
  let where = `index ${index}`;
  if (shape && shape.length > 1 && shape.every((d) => Number.isInteger(d) && d > 0)) {
    const coord: number[] = [];
    let rest = index;
    for (let d = shape.length - 1; d >= 0; d--) {
      coord.unshift(rest % shape[d]!);
      rest = Math.floor(rest / shape[d]!);
    }
    where += ` [${coord.join(', ')}]`;
  }
  return `${where} (${String(value)})`;
}

/** An output of a model run that is NaN or ±Infinity (an overflow at run time). */
export class NonFiniteOutputError extends Error {
  constructor(
    readonly output: string,
    readonly index: number,
    readonly value: number,
  ) {
    super(`model output "${output}" is not finite at ${describeIndex(index, value)}: the model overflowed or its weights are broken; no result is reported`);
    this.name = 'NonFiniteOutputError';
  }
}

/** Throws NonFiniteOutputError when `data` holds a NaN or ±Infinity. */
export function assertFiniteOutput(output: string, data: ArrayLike<number>): void {
  const i = firstNonFinite(data);
  if (i >= 0) throw new NonFiniteOutputError(output, i, data[i]!);
}
