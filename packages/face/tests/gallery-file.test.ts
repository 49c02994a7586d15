import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@mobilenet-kit/core';
import { FaceMatcher, FaceMatcherFormatError, decodeGallery, encodeGallery, isGalleryFile, readGallery } from '../src/index';


function randomGallery(references: number, people: number, dimensions: number, seed = 1) {
  const next = mulberry32(seed);
  const rows = Array.from({ length: references }, () => Array.from({ length: dimensions }, () => next() * 2 - 1));
  const owners = rows.map((_, r) => `person-${(r * 7919) % people}`);
  return { rows, owners, next };
}

/** The nearest reference by plain arithmetic over the arrays: the matcher's answer must be this one. */
function bruteForce(rows: number[][], owners: string[], query: number[]) {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  rows.forEach((row, r) => {
    const d = Math.sqrt(row.reduce((s, v, i) => s + (Math.fround(v) - Math.fround(query[i]!)) ** 2, 0));
    if (d < bestDistance) {
      bestDistance = d;
      best = r;
    }
  });
  return { label: owners[best]!, distance: bestDistance };
}

describe('FaceMatcher over its reference matrix', () => {
  it('matches the nearest reference found by plain arithmetic, with people added in any order', () => {
    const { rows, owners, next } = randomGallery(500, 37, 16);
    const matcher = new FaceMatcher([], { dimensions: 16, threshold: 10 });
    rows.forEach((row, r) => matcher.add(owners[r]!, row));
    expect(matcher.size).toBe(500);
    expect(new Set(matcher.labelNames).size).toBe(37);
    for (let q = 0; q < 50; q++) {
      const query = Array.from({ length: 16 }, () => next() * 2 - 1);
      const expected = bruteForce(rows, owners, query);
      const got = matcher.match(query);
      expect(got.nearestLabel).toBe(expected.label);
      expect(got.distance).toBeCloseTo(expected.distance, 5);
    }
  });

  it('withThreshold shares the references and changes only the threshold', () => {
    const matcher = new FaceMatcher([{ label: 'ada', descriptors: [Float32Array.from([0, 0])] }], { threshold: 0.5 });
    const wide = matcher.withThreshold(2);
    expect(matcher.match([1, 0]).label).toBe('unknown');
    expect(wide.match([1, 0]).label).toBe('ada');
    expect(wide.size).toBe(1);
  });
});

describe('binary gallery files', () => {
  it('round-trip: the same people, references, threshold and matches as the matcher and as its JSON', () => {
    const { rows, owners, next } = randomGallery(300, 20, 8, 2);
    const matcher = new FaceMatcher([], { dimensions: 8, threshold: 0.7 });
    rows.forEach((row, r) => matcher.add(owners[r]!, row));
    const bytes = encodeGallery(matcher);
    expect(isGalleryFile(bytes)).toBe(true);
    expect(isGalleryFile(new TextEncoder().encode(JSON.stringify(matcher)))).toBe(false);
    const back = decodeGallery(bytes, 'g.bin');
    expect(back.labelNames).toEqual(matcher.labelNames);
    expect(back.size).toBe(300);
    expect(back.threshold).toBe(0.7);
    expect(back.toJSON()).toEqual(matcher.toJSON());
    for (let q = 0; q < 20; q++) {
      const query = Array.from({ length: 8 }, () => next() * 2 - 1);
      expect(back.match(query)).toEqual(matcher.match(query));
    }
  });

  it('readGallery reads either kind by its content', () => {
    const matcher = new FaceMatcher([{ label: 'ada', descriptors: [Float32Array.from([1, 2])] }], { threshold: 0.4 });
    for (const bytes of [encodeGallery(matcher), new TextEncoder().encode(JSON.stringify(matcher))]) expect(readGallery(bytes, 'g').toJSON()).toEqual(matcher.toJSON());
    expect(() => readGallery(new TextEncoder().encode('{'), 'g.json')).toThrow(/^g\.json: not valid JSON/);
  });

  it('reads bytes at an unaligned offset (a Buffer from the pool) by copying', () => {
    const matcher = new FaceMatcher([{ label: 'ada', descriptors: [Float32Array.from([1, 2, 3])] }, { label: 'bob', descriptors: [Float32Array.from([3, 2, 1])] }]);
    const bytes = encodeGallery(matcher);
    const shifted = new Uint8Array(bytes.byteLength + 1).subarray(1);
    shifted.set(bytes);
    expect(decodeGallery(shifted).match([3, 2, 1.1]).label).toBe('bob');
  });

  const base = () => encodeGallery(new FaceMatcher([{ label: 'ada', descriptors: [Float32Array.from([1, 0]), Float32Array.from([0.5, 0.5])] }, { label: 'bob', descriptors: [Float32Array.from([0, 1])] }]));
  /** The file with its header replaced (the rest re-laid out as the header's length requires). */
  const withHeader = (header: object, references = 3, dimensions = 2, people = [0, 0, 1]) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const peopleAt = Math.ceil((12 + json.byteLength) / 4) * 4;
    const out = new Uint8Array(peopleAt + 4 * references + 4 * references * dimensions);
    out.set(new TextEncoder().encode('MKGALLRY'));
    new DataView(out.buffer).setUint32(8, json.byteLength, true);
    out.set(json, 12);
    new Uint32Array(out.buffer, peopleAt, references).set(people.slice(0, references));
    new Float32Array(out.buffer, peopleAt + 4 * references, references * dimensions).fill(0.25);
    return out;
  };
  const header = { format: 'mobilenet-kit-face-gallery', version: 1, threshold: 0.5, dimensions: 2, references: 3, people: ['ada', 'bob'] };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['JSON text', () => new TextEncoder().encode('{"labels":[]}'), /^g\.bin: not a gallery file/],
    ['a file cut inside the start', () => base().subarray(0, 10), /too short for the 12-byte start/],
    ['a header length past the end', () => {
      const b = base().slice();
      new DataView(b.buffer).setUint32(8, 1e6, true);
      return b;
    }, /header length 1000000 \(byte offset 8\) runs past the end of the file/],
    ['a header length over the limit', () => {
      const b = base().slice();
      new DataView(b.buffer).setUint32(8, 0xffffffff, true);
      return b;
    }, /header length 4294967295 \(byte offset 8\) is over the limit/],
    ['a header that is not JSON', () => {
      const b = base().slice();
      b[12] = 0x7b + 1;
      return b;
    }, /header \(byte offset 12\)/],
    ['another format', () => withHeader({ ...header, format: 'x' }), /"format" is "x"/],
    ['a future version', () => withHeader({ ...header, version: 2 }), /"version" is 2, this reader knows 1/],
    ['a zero threshold', () => withHeader({ ...header, threshold: 0 }), /"threshold" is 0/],
    ['no references', () => withHeader({ ...header, references: 0 }, 0), /"references" is 0, expected an integer ≥ 1/],
    ['duplicate people', () => withHeader({ ...header, people: ['ada', 'ada'] }), /people\[1\] "ada" is a duplicate of people\[0\]/],
    ['an empty name', () => withHeader({ ...header, people: ['ada', ''] }), /people\[1\] is "", expected a non-empty string/],
    ['a truncated matrix', () => base().subarray(0, base().byteLength - 4), /bytes long, but its header promises 3 references of 2 values \(\d+ bytes\): truncated/],
    ['extra bytes', () => Uint8Array.from([...base(), 0, 0, 0, 0]), /: extra bytes at the end/],
    ['a billion references claimed by a small file', () => withHeader({ ...header, references: 1e9 }, 3), /header promises 1000000000 references of 2 values/],
    ['a reference of nobody', () => withHeader(header, 3, 2, [0, 5, 1]), /reference 1 \(byte offset \d+\) belongs to person 5, but there are 2 people/],
    ['a person without references', () => withHeader(header, 3, 2, [0, 0, 0]), /person 1 "bob" has no reference descriptor/],
    ['a NaN descriptor value', () => {
      const b = base().slice();
      new DataView(b.buffer).setFloat32(b.byteLength - 4, Number.NaN, true);
      return b;
    }, /reference 2 value 1 \(byte offset \d+\) is NaN, expected a finite number/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`refuses ${name}, naming the place`, () => {
      expect(() => decodeGallery(bytes(), 'g.bin')).toThrow(FaceMatcherFormatError);
      expect(() => decodeGallery(bytes(), 'g.bin')).toThrow(message);
    });
  }

  it('property: any byte mutation gives a FaceMatcherFormatError or a usable matcher (fast-check)', () => {
    const valid = base();
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat({ max: 3 }), (at, value, extra) => {
        const bytes = valid.slice();
        bytes[at % bytes.length] = value;
        const input = extra ? bytes.subarray(0, Math.max(0, bytes.length - extra * 4)) : bytes;
        try {
          const m = decodeGallery(input, 'g.bin');
          expect(Number.isFinite(m.match(new Array(m.dimensions).fill(0)).distance)).toBe(true);
        } catch (e) {
          expect(e, (e as Error).message).toBeInstanceOf(FaceMatcherFormatError);
        }
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });
});

describe('gallery JSON past the size limit', () => {
  it('says to use a binary gallery file', () => {
    const big = `{"format":"mobilenet-kit-face-matcher","version":1,"threshold":0.5,"labels":[${'0,'.repeat(34 * 1024 * 1024)}0]}`;
    expect(() => FaceMatcher.fromJSON(big, 'huge.json')).toThrow(/^huge\.json: .*above the limit.*a gallery this large belongs in a binary gallery file/);
  });
});
