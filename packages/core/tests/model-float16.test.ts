import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from '../src/index';
import { float16BitsOfFloat32Bits, float16Table } from '../src/model-format/float16';

describe('float16 conversion', () => {
  it('decodes known bit patterns exactly (IEEE 754 binary16)', () => {
    expect(float16Value(0x0000)).toBe(0);
    expect(Object.is(float16Value(0x8000), -0)).toBe(true);
    expect(float16Value(0x3c00)).toBe(1);
    expect(float16Value(0xc000)).toBe(-2);
    expect(float16Value(0x3555)).toBe(0.333251953125);
    expect(float16Value(0x7bff)).toBe(65504); // largest finite half
    expect(float16Value(0x0400)).toBe(2 ** -14); // smallest normal
    expect(float16Value(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(float16Value(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(float16Value(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(float16Value(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(float16Value(0x7e00)).toBeNaN();
  });

  it('every one of the 65536 patterns survives decode → encode (NaNs stay NaN)', () => {
    let mismatches = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16Value(bits);
      const back = float16Bits(value);
      const isNanPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (isNanPattern ? !Number.isNaN(float16Value(back)) : back !== bits) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('the decode table holds every half exactly, and the bit-level encoder agrees with the number one', () => {
    const table = float16Table();
    const floats = new Float32Array(1);
    const bits = new Uint32Array(floats.buffer);
    let wrong = 0;
    for (let h = 0; h < 0x10000; h++) {
      const v = float16Value(h);
      if (!(Object.is(table[h], v) || (Number.isNaN(v) && Number.isNaN(table[h]!)))) wrong++;
      floats[0] = v + (h % 7) * 2 ** -30; // off-grid values too
      if (float16BitsOfFloat32Bits(bits[0]!) !== float16Bits(floats[0])) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('rounds to nearest, ties to even, in the normal and the subnormal range', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(float16Bits(2 ** -25)).toBe(0x0000); // half of the smallest subnormal: tie to 0
    expect(float16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 subnormal steps: tie to 2
    expect(float16Bits(2 ** -25 + 2 ** -35)).toBe(0x0001);
    expect(float16Bits(-(2 ** -30))).toBe(0x8000);
    // Just below 2^-14 rounds up into the smallest normal.
    expect(float16Bits(2 ** -14 - 2 ** -30)).toBe(0x0400);
  });

  it('overflows to infinity past the largest half, and keeps infinities and NaN', () => {
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(65519)).toBe(0x7bff); // below the midpoint 65520
    expect(float16Bits(65520)).toBe(0x7c00); // the midpoint rounds to even, i.e. up to infinity
    expect(float16Bits(1e10)).toBe(0x7c00);
    expect(float16Bits(-1e10)).toBe(0xfc00);
    expect(float16Bits(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(Number.isNaN(float16Value(float16Bits(Number.NaN)))).toBe(true);
  });

  it('is the nearest half for random floats (checked against the two neighbours)', () => {
    let s = 12345;
    let notNearest = 0;
    for (let n = 0; n < 20000; n++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = Math.fround(((s / 2 ** 32) * 2 - 1) * 2 ** ((n % 40) - 26));
      const h = float16Bits(v);
      const d = Math.abs(float16Value(h) - v);
      const up = Math.abs(float16Value((h & 0x7fff) === 0x7bff ? h : h + 1) - v);
      const down = Math.abs(float16Value((h & 0x7fff) === 0 ? h : h - 1) - v);
      if (d > up || d > down) notNearest++;
    }
    expect(notNearest).toBe(0);
  });
});
