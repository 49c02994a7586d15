import { describe, expect, it } from 'vitest';
import { argmaxMatch, assignTargets, IGNORED, iouMatrix, UNMATCHED } from '../src/training';

// Six hand-made anchors (ymin, xmin, ymax, xmax) and three boxes whose IoUs are worked out below.
const ANCHORS = Float32Array.from([
  [0, 0, 0.5, 0.5], // a0: equals g0 (IoU 1)
  [0, 0.5, 0.5, 1], // a1: touches g0 and g1 only along edges (IoU 0)
  [0.5, 0, 1, 0.5], // a2: g2's best anchor, IoU 0.04 / 0.25 = 0.16
  [0.5, 0.5, 1, 1], // a3: g1 at 0.2 / 0.25 = 0.8
  [0.25, 0.25, 0.75, 0.75], // a4: g0 at 0.0625 / 0.4375 ≈ 0.143, g1 at 0.0625 / 0.3875 ≈ 0.161
  [0, 0, 0.5, 0.2], // a5: g0 at 0.1 / 0.25 = 0.4
].flat());
const GROUND_TRUTH = {
  boxes: [
    [0, 0, 0.5, 0.5], // g0, label 1
    [0.5, 0.5, 1, 0.9], // g1, label 2
    [0.5, 0, 0.7, 0.2], // g2, label 1: small, below every threshold
  ],
  labels: [1, 2, 1],
};

describe('iouMatrix', () => {
  it('gives the IoUs worked out by hand, 0 for boxes that only touch', () => {
    const iou = iouMatrix(Float32Array.from(GROUND_TRUTH.boxes.flat()), ANCHORS);
    const expected = [
      [1, 0, 0, 0, 0.0625 / 0.4375, 0.4],
      [0, 0, 0, 0.8, 0.0625 / 0.3875, 0],
      [0, 0, 0.16, 0, 0, 0],
    ];
    expected.flat().forEach((v, i) => expect(iou[i]).toBeCloseTo(v, 6));
  });
});

describe('assignTargets (TF-OD argmax matcher and target assigner)', () => {
  it('matches by IoU ≥ 0.5, force-matches each box to its best anchor, and encodes with scales 10, 10, 5, 5', () => {
    const t = assignTargets(ANCHORS, [GROUND_TRUTH]);
    expect(Array.from(t.matches)).toEqual([0, UNMATCHED, 2, 1, UNMATCHED, UNMATCHED]);
    expect(Array.from(t.classTargets)).toEqual([1, 0, 1, 2, 0, 0]);
    expect(t.numPositives).toBe(3);
    expect(t.batchSize).toBe(1);
    expect(t.numAnchors).toBe(6);
    const enc = (a: number) => Array.from(t.boxTargets.subarray(4 * a, 4 * a + 4));
    // a0 = g0: all zero.
    enc(0).forEach((v) => expect(v).toBeCloseTo(0, 6));
    // a3 vs g1: same y centre and height; x centre 0.7 vs 0.75 → (−0.05 / 0.5)·10 = −1; width 0.4 vs 0.5 → 5·ln 0.8.
    const [ty, tx, th, tw] = enc(3);
    expect(ty).toBeCloseTo(0, 6);
    expect(tx).toBeCloseTo(-1, 5);
    expect(th).toBeCloseTo(0, 6);
    expect(tw).toBeCloseTo(5 * Math.log(0.8), 5);
    // a2 vs g2 (forced): y centre 0.6 vs 0.75 → −3; x centre 0.1 vs 0.25 → −3; 5·ln(0.2 / 0.5) for both sizes.
    const forced = enc(2);
    [-3, -3, 5 * Math.log(0.4), 5 * Math.log(0.4)].forEach((v, i) => expect(forced[i]).toBeCloseTo(v, 5));
    // Anchors that are not positives have zero regression targets.
    for (const a of [1, 4, 5]) expect(enc(a)).toEqual([0, 0, 0, 0]);
  });

  it('without forced matching, a box below the threshold gets no anchor', () => {
    const t = assignTargets(ANCHORS, [GROUND_TRUTH], { forceMatch: false });
    expect(Array.from(t.matches)).toEqual([0, UNMATCHED, UNMATCHED, 1, UNMATCHED, UNMATCHED]);
    expect(t.numPositives).toBe(2);
    expect(t.classTargets[2]).toBe(0);
  });

  it('ignores anchors whose best IoU lies in [unmatched, matched)', () => {
    // a5 (0.4) falls in [0.3, 0.5): ignored; a4 (0.16) stays a negative.
    const t = assignTargets(ANCHORS, [GROUND_TRUTH], { matchedThreshold: 0.5, unmatchedThreshold: 0.3 });
    expect(Array.from(t.matches)).toEqual([0, UNMATCHED, 2, 1, UNMATCHED, IGNORED]);
    expect(t.classTargets[5]).toBe(0);
    // A higher matched threshold turns a3 (0.8) into ignored as well.
    const strict = assignTargets(ANCHORS, [GROUND_TRUTH], { matchedThreshold: 0.9, unmatchedThreshold: 0.3, forceMatch: false });
    expect(Array.from(strict.matches)).toEqual([0, UNMATCHED, UNMATCHED, IGNORED, UNMATCHED, IGNORED]);
  });

  it('lets a forced match override the threshold rule, and gives a contested anchor to the lower-indexed box', () => {
    // Two boxes whose best anchor is a2: box 0 wins it (tf.argmax takes the first), box 1 gets nothing.
    const boxes = [
      [0.5, 0, 0.7, 0.2],
      [0.8, 0.3, 1, 0.5],
    ];
    const t = assignTargets(ANCHORS, [{ boxes, labels: [1, 2] }]);
    expect(t.matches[2]).toBe(0);
    expect(t.classTargets[2]).toBe(1);
    expect(t.numPositives).toBe(1);
    // argmaxMatch on a raw matrix: row 1 forces column 0 although row 0 has the higher IoU there.
    const m = argmaxMatch(Float32Array.from([0.6, 0.7, 0.3, 0.1]), 2, 2, { matchedThreshold: 0.5, unmatchedThreshold: 0.5, forceMatchForEachRow: true });
    // Column 0 → row 0 by IoU (0.6); row 1's best column is 0 (0.3 > 0.1) and forces it; row 0's best column is 1 (0.7) and forces it.
    expect(Array.from(m)).toEqual([1, 0]);
  });

  it('handles images without boxes (all negatives) and batches in order', () => {
    const t = assignTargets(ANCHORS, [{ boxes: [], labels: [] }, GROUND_TRUTH]);
    expect(t.batchSize).toBe(2);
    expect(Array.from(t.matches.subarray(0, 6))).toEqual(Array(6).fill(UNMATCHED));
    expect(Array.from(t.matches.subarray(6))).toEqual([0, UNMATCHED, 2, 1, UNMATCHED, UNMATCHED]);
    expect(t.numPositives).toBe(3);
  });

  it('accepts anchors as [A, 4] or [1, A, 4] host tensors and flat box arrays', () => {
    const a = assignTargets({ shape: [1, 6, 4], data: ANCHORS }, [{ boxes: GROUND_TRUTH.boxes.flat(), labels: GROUND_TRUTH.labels }]);
    const b = assignTargets(ANCHORS, [GROUND_TRUTH]);
    expect(a).toEqual(b);
  });

  it('names the bad input', () => {
    expect(() => assignTargets(ANCHORS, [{ boxes: [[0, 0, 0.5]], labels: [1] }])).toThrow(/groundTruth\[0\]\.boxes\[0\]/);
    expect(() => assignTargets(ANCHORS, [{ boxes: [[0.5, 0, 0.2, 0.5]], labels: [1] }])).toThrow(/ymax > ymin/);
    expect(() => assignTargets(ANCHORS, [{ boxes: [[0, 0, 0.5, 0.5]], labels: [0] }])).toThrow(/labels\[0\].*0 is the background/);
    expect(() => assignTargets(ANCHORS, [{ boxes: [[0, 0, 0.5, 0.5]], labels: [1, 2] }])).toThrow(/labels\.length.*one label per box/);
    expect(() => assignTargets(ANCHORS, [GROUND_TRUTH], { matchedThreshold: 0.4, unmatchedThreshold: 0.5 })).toThrow(/unmatchedThreshold.*at most matchedThreshold/);
    expect(() => assignTargets(ANCHORS.subarray(0, 6), [GROUND_TRUTH])).toThrow(/anchors\.length.*multiple of 4/);
    expect(() => assignTargets({ shape: [6, 5], data: ANCHORS }, [GROUND_TRUTH])).toThrow(/anchors\.shape/);
  });
});
