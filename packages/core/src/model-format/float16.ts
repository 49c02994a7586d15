/**
 * IEEE 754 binary16 ("half") conversion, written out because Node 20 has no
 * `Math.f16round` / `Float16Array`.
 */

const scratch = new DataView(new ArrayBuffer(4));

/** Rounds a number to the nearest half float (ties to even) and returns its 16 bits. */
export function float16Bits(value: number): number {
  scratch.setFloat32(0, value);
  return float16BitsOfFloat32Bits(scratch.getUint32(0));
}

/** float16Bits for a float32 given by its 32 bits (read them through a Uint32Array view to skip the conversion). */
export function float16BitsOfFloat32Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0); // ±Infinity, NaN
  // Half exponent of a normal number (bias 15 instead of 127).
  const e = exponent - 112;
  if (e >= 0x1f) return sign | 0x7c00; // too large: ±Infinity
  if (e <= 0) {
    // Subnormal half (or zero): value = m · 2^-24 with m = 1.mantissa · 2^(e + 9), i.e. the
    // 24-bit significand shifted right by 14 − e.
    if (e < -10) return sign; // below half of the smallest subnormal: ±0
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    const halfway = 1 << (shift - 1);
    const rest = significand & ((1 << shift) - 1);
    let m = significand >>> shift;
    if (rest > halfway || (rest === halfway && (m & 1) === 1)) m += 1;
    return sign | m;
  }
  let bits = sign | (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // Rounding up may carry into the exponent, which is still the right half float (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (bits & 1) === 1)) bits += 1;
  return bits;
}

/** The exact value of a half float given by its 16 bits, subnormals, infinities and NaN included. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

let table: Float32Array | undefined;

/** All 65536 half floats as float32 (exact: every half is a float32), built on first use (256 KiB). */
export function float16Table(): Float32Array {
  if (!table) {
    table = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) table[bits] = float16Value(bits);
  }
  return table;
}
