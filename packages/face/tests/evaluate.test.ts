import { describe, expect, it } from 'vitest';
import { agreementReport, equalErrorRate, meanDirection, thresholdAtFar, thresholdCurve, verificationPairs } from '../src';

describe('threshold curve', () => {
  const same = [0.1, 0.2, 0.3, 0.6];
  const different = [0.25, 0.5, 0.7, 0.8, 0.9];

  it('gives FAR (different pairs under t) and FRR (same pairs at or over t) per threshold', () => {
    expect(thresholdCurve(same, different, [0.4, 0.1, 1])).toEqual([
      { threshold: 0.1, far: 0, frr: 1 },
      { threshold: 0.4, far: 0.2, frr: 0.25 },
      { threshold: 1, far: 1, frr: 0 },
    ]);
  });

  it('finds the equal error point and the largest threshold with FAR under a bound', () => {
    const eer = equalErrorRate(same, different);
    expect(eer.far).toBeCloseTo(0.2);
    expect(eer.frr).toBeCloseTo(0.25);
    expect(eer.rate).toBeCloseTo(0.225);
    const strict = thresholdAtFar(same, different, 0);
    expect(strict.far).toBe(0);
    expect(strict.threshold).toBeLessThanOrEqual(0.25);
    expect(strict.frr).toBe(0.5);
    expect(() => thresholdCurve([], different, [0.5])).toThrow(/at least one pair of each kind/);
  });
});

describe('agreement of a student with its teacher', () => {
  const v = (...x: number[]) => Float32Array.from(x);
  const teacher = { originals: [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1)], views: [v(0.9, 0.1, 0), v(0.1, 0.9, 0), v(0, 0.2, 0.8), v(0.6, 0.5, 0)] };
  const viewFace = [0, 1, 2, 1];

  it('is total and exact for the teacher itself', () => {
    const r = agreementReport(teacher, teacher, viewFace, meanDirection(teacher.originals));
    expect(r).toMatchObject({ agreement: 1, teacherAccuracy: 0.75, studentAccuracy: 0.75, views: 4, faces: 3 });
    expect(r.meanCosine).toBeCloseTo(1, 6);
    expect(r.meanCentredCosine).toBeCloseTo(1, 6);
  });

  it('counts where a student picks another face than the teacher', () => {
    const student = { originals: teacher.originals, views: [v(0.9, 0.1, 0), v(0.9, 0.1, 0), v(0, 0.2, 0.8), v(0, 1, 0)] };
    const r = agreementReport(teacher, student, viewFace, meanDirection(teacher.originals));
    expect(r.agreement).toBe(0.5);
    expect(r.studentAccuracy).toBe(0.75);
    expect(r.viewAgrees).toEqual([true, false, true, false]);
    const pairs = verificationPairs(teacher, viewFace);
    expect(pairs.same).toHaveLength(4);
    expect(pairs.different).toHaveLength(8);
    expect(pairs.same[0]).toBeCloseTo(Math.hypot(0.1, 0.1));
  });
});
