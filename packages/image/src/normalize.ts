/**
 * Pixel value ranges networks expect:
 * - `minusOneToOne`: x / 127.5 − 1 (MobileNet v1 as trained by TF-Slim; face-api's SSD);
 * - `zeroToOne`: x / 255;
 * - `{ mean, std }`: (x / 255 − mean) / std per channel (e.g. ImageNet's
 *   mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225] in torchvision);
 * - `{ meanRgb, divisor }`: (x − meanRgb) / divisor per channel, on raw 0–255
 *   values (face-api's recognition net: meanRgb [122.782, 117.001, 104.298], divisor 255).
 */
export type Normalization =
  | 'minusOneToOne'
  | 'zeroToOne'
  | { mean: [number, number, number]; std: [number, number, number] }
  | { readonly meanRgb: readonly [number, number, number]; readonly divisor: number };

/**
 * Normalizes interleaved RGB float values in place. Each arithmetic step is
 * rounded to float32, as chained tfjs ops are (face-api computes
 * `tf.sub(tf.div(x, 127.5), 1)`), so the results match tfjs bit for bit.
 */
export function normalizeInPlace(values: Float32Array, normalization: Normalization): void {
  const f = Math.fround;
  if (normalization === 'minusOneToOne') {
    for (let i = 0; i < values.length; i++) values[i] = f(values[i]! / 127.5) - 1;
    return;
  }
  if (normalization === 'zeroToOne') {
    for (let i = 0; i < values.length; i++) values[i] = values[i]! / 255;
    return;
  }
  if (typeof normalization === 'object' && normalization !== null && 'meanRgb' in normalization) {
    // tfjs: sub then div (face-api's recognition net).
    const { meanRgb, divisor } = checkMeanDivisor(normalization);
    for (let i = 0; i < values.length; i += 3) {
      for (let c = 0; c < 3; c++) values[i + c] = f(values[i + c]! - meanRgb[c]!) / divisor;
    }
    return;
  }
  const { mean, std } = checkMeanStd(normalization);
  for (let i = 0; i < values.length; i += 3) {
    for (let c = 0; c < 3; c++) values[i + c] = f(f(values[i + c]! / 255) - mean[c]!) / std[c]!;
  }
}

const isFiniteTriple = (v: unknown) => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function unknownNormalization(normalization: unknown): RangeError {
  return new RangeError(
    `normalize must be 'minusOneToOne', 'zeroToOne' or { mean: [r, g, b], std: [r, g, b] } or { meanRgb: [r, g, b], divisor } (finite numbers), got ${JSON.stringify(normalization)}`,
  );
}

function checkMeanStd(normalization: unknown): { mean: number[]; std: number[] } {
  const candidate = normalization as { mean?: unknown; std?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || !isFiniteTriple(candidate.mean) || !isFiniteTriple(candidate.std)) throw unknownNormalization(normalization);
  const std = (candidate.std as number[]).map(Math.fround);
  if (std.some((s) => s === 0)) throw new RangeError(`normalize: std must not be 0, got [${(candidate.std as number[]).join(', ')}]`);
  return { mean: (candidate.mean as number[]).map(Math.fround), std };
}

function checkMeanDivisor(normalization: { meanRgb?: unknown; divisor?: unknown }): { meanRgb: number[]; divisor: number } {
  const { meanRgb, divisor } = normalization;
  if (!isFiniteTriple(meanRgb) || typeof divisor !== 'number' || !Number.isFinite(divisor)) throw unknownNormalization(normalization);
  if (divisor === 0) throw new RangeError('normalize: divisor must not be 0');
  return { meanRgb: (meanRgb as number[]).map(Math.fround), divisor };
}
