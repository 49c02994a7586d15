import { accuracy, argmaxRows, classificationReport, confusionMatrix, perClassMetrics, topKAccuracy } from '@mobilenet-kit/classification';
import { describe, expect, it } from 'vitest';

describe('metrics', () => {
  const actual = [0, 0, 1, 1, 2, 2];
  const predicted = [0, 1, 1, 1, 0, 2];

  it('accuracy', () => {
    expect(accuracy(actual, predicted)).toBeCloseTo(4 / 6, 12);
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([1], [])).toThrow(/1 true labels but 0 predictions/);
  });

  it('confusion matrix rows are true classes, columns predictions', () => {
    const m = confusionMatrix(actual, predicted, 3);
    expect([...m.counts]).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 1]);
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/true label 3 of sample 0/);
    expect(() => confusionMatrix([0], [-1], 3)).toThrow(/predicted class -1/);
  });

  it('per-class precision and recall (hand-computed), NaN where undefined', () => {
    const rows = perClassMetrics(confusionMatrix(actual, predicted, 3), ['a', 'b', 'c']);
    expect(rows.map((r) => [r.label, r.support])).toEqual([['a', 2], ['b', 2], ['c', 2]]);
    // class a: predicted a for samples 0 and 4 (one right) → precision 1/2; recall 1/2.
    expect(rows[0]).toMatchObject({ precision: 0.5, recall: 0.5 });
    // class b: predicted b for 1, 2, 3 (two right) → 2/3; recall 2/2.
    expect(rows[1]!.precision).toBeCloseTo(2 / 3, 12);
    expect(rows[1]!.recall).toBe(1);
    expect(rows[2]).toMatchObject({ precision: 1, recall: 0.5 });
    const none = perClassMetrics(confusionMatrix([0], [0], 2));
    expect(none[1]!.precision).toBeNaN();
    expect(none[1]!.recall).toBeNaN();
    expect(none[1]!.label).toBe('1');
  });

  it('argmax and top-k, ties counted in favour of the label', () => {
    const scores = [0.1, 0.7, 0.2, /**/ 0.5, 0.3, 0.2, /**/ 0.3, 0.3, 0.4];
    expect([...argmaxRows(scores, 3)]).toEqual([1, 0, 2]);
    const labels = [2, 0, 1];
    expect(topKAccuracy(labels, scores, 3, 1)).toBeCloseTo(1 / 3, 12);
    // sample 0: label 2 is second; sample 2: label 1 ties with 0 for second place.
    expect(topKAccuracy(labels, scores, 3, 2)).toBe(1);
    expect(topKAccuracy(labels, scores, 3, 3)).toBe(1);
    expect(() => topKAccuracy(labels, scores, 3, 0)).toThrow(/k must be an integer/);
    expect(() => topKAccuracy(labels, scores, 4, 1)).toThrow(/9 scores for 3 samples of 4 classes/);
  });

  it('classificationReport gathers all of it', () => {
    const r = classificationReport(actual, predicted, ['a', 'b', 'c']);
    expect(r.count).toBe(6);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.perClass).toHaveLength(3);
    expect(r.confusion.classes).toBe(3);
  });
});
