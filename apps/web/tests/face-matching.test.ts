import { describe, expect, it } from 'vitest';
import { iou, matchFaces } from './face-matching';

const face = (x: number, y: number, width: number, height: number, score = 0.9) => ({ x, y, width, height, score });

describe('face matching used by the end-to-end test', () => {
  it('iou: 1 for the same box, 0 for disjoint ones, 1/7 for two unit squares overlapping by half… of a 2×1 area', () => {
    expect(iou(face(0, 0, 10, 10), face(0, 0, 10, 10))).toBe(1);
    expect(iou(face(0, 0, 10, 10), face(20, 0, 10, 10))).toBe(0);
    // Overlap 5×10 = 50, union 100 + 100 − 50 = 150.
    expect(iou(face(0, 0, 10, 10), face(5, 0, 10, 10))).toBeCloseTo(1 / 3, 12);
  });

  it('pairs faces whatever their order, best overlaps first, and names the missing and extra ones', () => {
    const expected = [face(0, 0, 10, 10, 0.99), face(100, 100, 20, 20, 0.7)];
    const actual = [face(101, 100, 20, 20, 0.71), face(0, 0, 10, 10, 0.98), face(300, 300, 5, 5)];
    const { pairs, missing, extra } = matchFaces(expected, actual);
    expect(pairs.map((p) => [p.expected, p.actual])).toEqual([
      [expected[0], actual[1]],
      [expected[1], actual[0]],
    ]);
    expect(pairs[0]!.scoreDifference).toBeCloseTo(0.01, 12);
    expect(pairs[1]!.iou).toBeCloseTo(380 / 420, 12);
    expect(missing).toEqual([]);
    expect(extra).toEqual([actual[2]]);
    expect(matchFaces(expected, []).missing).toEqual(expected);
  });
});
