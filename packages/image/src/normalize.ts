/**
 * Pixel value ranges networks expect:
 * - `minusOneToOne`: x / 127.5 − 1 (MobileNet v1 as trained by TF-Slim; face-api's SSD);
 * - `zeroToOne`: x / 255;
 * - `{ mean, std }`: (x / 255 − mean) / std per channel (e.g. ImageNet's
 *   mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225] in torchvision).
 */
export type Normalization = 'minusOneToOne' | 'zeroToOne' | { mean: [number, number, number]; std: [number, number, number] };

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
  const { mean, std } = checkMeanStd(normalization);
  for (let i = 0; i < values.length; i += 3) {
    for (let c = 0; c < 3; c++) values[i + c] = f(f(values[i + c]! / 255) - mean[c]!) / std[c]!;
  }
}

function checkMeanStd(normalization: unknown): { mean: number[]; std: number[] } {
  const candidate = normalization as { mean?: unknown; std?: unknown } | null;
  const isTriple = (v: unknown) => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (typeof candidate !== 'object' || candidate === null || !isTriple(candidate.mean) || !isTriple(candidate.std)) {
    throw new RangeError(
      `normalize must be 'minusOneToOne', 'zeroToOne' or { mean: [r, g, b], std: [r, g, b] } (finite numbers), got ${JSON.stringify(normalization)}`,
    );
  }
  const std = (candidate.std as number[]).map(Math.fround);
  if (std.some((s) => s === 0)) throw new RangeError(`normalize: std must not be 0, got [${(candidate.std as number[]).join(', ')}]`);
  return { mean: (candidate.mean as number[]).map(Math.fround), std };
}
