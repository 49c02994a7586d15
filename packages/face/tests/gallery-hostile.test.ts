// Hostile galleries: each case asserts a FaceMatcherFormatError naming the entry.
import { describe, expect, it } from 'vitest';
import { FaceMatcher, FaceMatcherFormatError } from '../src/index';

const doc = (labels: unknown, extra: object = {}) => JSON.stringify({ format: 'mobilenet-kit-face-matcher', version: 1, threshold: 0.5, ...extra, labels });
const FORMAT = new FaceMatcher([{ label: 'a', descriptors: [new Float32Array([1, 0])] }]).toJSON().format;

describe('gallery JSON validation', () => {
  const cases: [string, string, RegExp][] = [
    ['no labels', doc([]), /g\.json: "labels" is empty: a gallery needs at least one labelled person/],
    ['duplicate labels', doc([{ label: 'ann', descriptors: [[1, 0]] }, { label: 'bob', descriptors: [[0, 1]] }, { label: 'ann', descriptors: [[1, 1]] }]), /labels\[2\]\.label "ann" is a duplicate of labels\[0\]/],
    ['a 1e400 value', doc([{ label: 'ann', descriptors: [[1, 0]] }]).replace('[[1,0]]', '[[1,1e400]]'), /labels\[0\]\.descriptors\[0\] \(label "ann"\)\[1\] is Infinity \(the number overflows\), expected a finite number/],
    ['a value beyond float32', doc([{ label: 'ann', descriptors: [[1e39, 0]] }]), /\[0\] is 1e\+39 \(beyond float32\)/],
    ['a wrong-length vector', doc([{ label: 'ann', descriptors: [[1, 0]] }, { label: 'bob', descriptors: [[1, 0, 0]] }]), /labels\[1\]\.descriptors\[0\] \(label "bob"\) has 3 values, expected 2/],
    ['a null value (NaN written by JSON.stringify)', doc([{ label: 'ann', descriptors: [[null, 0]] }]), /\[0\] is null, expected a finite number/],
    ['a person without any reference (found by gallery-properties)', doc([{ label: 'ann', descriptors: [[1, 0]] }, { label: 'bob', descriptors: [] }]), /labels\[1\]\.descriptors is empty \(label "bob"\): each person needs at least one reference descriptor/],
    ['an empty label', doc([{ label: '', descriptors: [[1]] }]), /labels\[0\]\.label must be a non-empty string/],
    ['100 000 nested arrays', `{"labels": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /^g\.json: JSON nests deeper than the limit of 256 levels/],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses ${name}`, () => {
      const text2 = text.replace('mobilenet-kit-face-matcher', FORMAT);
      let error: unknown;
      try {
        FaceMatcher.fromJSON(text2, 'g.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FaceMatcherFormatError);
      expect((error as Error).message).toMatch(message);
    });
  }
});
