import { describe, expect, it } from 'vitest';
import { FaceMatcher, FaceMatcherFormatError, FaceOptionError, UNKNOWN_LABEL } from '../src';

const v = (...xs: number[]) => Float32Array.from(xs);

describe('FaceMatcher', () => {
  const matcher = new FaceMatcher(
    [
      { label: 'ada', descriptors: [v(0, 0, 0), v(1, 0, 0)] },
      { label: 'bob', descriptors: [v(0, 3, 0)] },
    ],
    { threshold: 0.6 },
  );

  it('matches the label of the nearest reference under the threshold, else unknown', () => {
    expect(matcher.match(v(0.9, 0.1, 0))).toMatchObject({ label: 'ada', nearestLabel: 'ada' });
    expect(matcher.match(v(0.9, 0.1, 0)).distance).toBeCloseTo(Math.hypot(0.1, 0.1), 6);
    expect(matcher.match(v(0, 2.5, 0))).toMatchObject({ label: 'bob' });
    expect(matcher.match(v(0, 1.5, 0))).toMatchObject({ label: UNKNOWN_LABEL, nearestLabel: 'ada', distance: 1.5 });
    expect(matcher.size).toBe(3);
    expect(matcher.labelNames).toEqual(['ada', 'bob']);
  });

  it('refuses a query or reference of the wrong length or with non-finite values', () => {
    expect(() => matcher.match(v(1, 2))).toThrow(/2 values.*expected 3 values/);
    expect(() => matcher.match(v(1, Number.NaN, 0))).toThrow(FaceOptionError);
    expect(() => matcher.add('eve', [1, 2, 3, 4])).toThrow(/descriptor of "eve"/);
    expect(() => new FaceMatcher([], {})).toThrow(/dimensions/);
  });

  it('saves to JSON and loads back the same matches', () => {
    const text = JSON.stringify(matcher);
    const loaded = FaceMatcher.fromJSON(text);
    expect(loaded.threshold).toBe(0.6);
    expect(loaded.toJSON()).toEqual(matcher.toJSON());
    expect(loaded.match(v(0, 2.5, 0)).label).toBe('bob');
  });

  it("reads face-api's FaceMatcher JSON", () => {
    const faceApi = { distanceThreshold: 0.5, labeledDescriptors: [{ label: 'ada', descriptors: [[0, 0, 0]] }] };
    const loaded = FaceMatcher.fromJSON(faceApi);
    expect(loaded.threshold).toBe(0.5);
    expect(loaded.match(v(0.1, 0, 0)).label).toBe('ada');
  });

  it('refuses bad files with the place of the problem', () => {
    const good = matcher.toJSON();
    expect(() => FaceMatcher.fromJSON('{"format": ', 'g.json')).toThrow(FaceMatcherFormatError);
    expect(() => FaceMatcher.fromJSON('{"format": ', 'g.json')).toThrow(/g.json: not valid JSON/);
    expect(() => FaceMatcher.fromJSON('[]', 'g.json')).toThrow(/expected a JSON object, got an array/);
    expect(() => FaceMatcher.fromJSON({ ...good, format: 'other' })).toThrow(/"format" is "other"/);
    const short = structuredClone(good);
    short.labels[1]!.descriptors[0] = [0, 3];
    expect(() => FaceMatcher.fromJSON(short, 'g.json')).toThrow(/g.json: labels\[1\].descriptors\[0\] \(label "bob"\) has 2 values, expected 3/);
    const nan = JSON.parse(JSON.stringify({ ...good, labels: [{ label: 'ada', descriptors: [[0, Number.NaN, 0]] }] }));
    expect(() => FaceMatcher.fromJSON(nan)).toThrow(/labels\[0\].descriptors\[0\] \(label "ada"\)\[1\] is null, expected a finite number/);
    expect(() => FaceMatcher.fromJSON({ ...good, threshold: -1 })).toThrow(/"threshold" is -1/);
    expect(() => FaceMatcher.fromJSON({ ...good, labels: [{ label: '', descriptors: [] }] })).toThrow(/labels\[0\].label/);
  });
});
