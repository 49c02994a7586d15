import { describe, expect, it } from 'vitest';
import { SSD_BOX_CODER_SCALES, decodeBoxes, encodeBoxes, logitsToScores } from '../src';

describe('center-size box coder (scales 10, 10, 5, 5)', () => {
  const anchors = new Float32Array([0.1, 0.2, 0.3, 0.6, 0, 0, 1, 1]);

  it('decodes by hand: cy = ty/10·ha + cya, h = exp(th/5)·ha', () => {
    expect(SSD_BOX_CODER_SCALES).toEqual([10, 10, 5, 5]);
    const enc = new Float32Array([1, -2, 5 * Math.log(2), 0, 0, 0, 0, 0]);
    const out = decodeBoxes(enc, anchors);
    // Anchor 0: ha 0.2, wa 0.4, centre (0.2, 0.4) → cy 0.22, cx 0.32, h 0.4, w 0.4.
    expect(Array.from(out.subarray(0, 4))).toEqual([0.02, 0.12, 0.42, 0.52].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(out.subarray(4, 8))).toEqual([0, 0, 1, 1]);
  });

  it('encode is the inverse of decode', () => {
    const boxes = new Float32Array([0.05, 0.1, 0.5, 0.45, 0.2, 0.3, 0.9, 0.7]);
    const back = decodeBoxes(encodeBoxes(boxes, anchors), anchors);
    for (let i = 0; i < boxes.length; i++) expect(back[i]).toBeCloseTo(boxes[i]!, 5);
  });

  it('other scales and mismatched sizes', () => {
    const enc = new Float32Array([1, 1, 0, 0]);
    const a = new Float32Array([0, 0, 1, 1]);
    expect(decodeBoxes(enc, a, [1, 1, 1, 1])[0]).toBeCloseTo(1, 6);
    expect(() => decodeBoxes(new Float32Array(8), a)).toThrow(/2 encodings for 1 anchors/);
  });

  it('scores: sigmoid per value, softmax per anchor', () => {
    const logits = new Float32Array([0, Math.log(3), 0, 0]);
    const sig = logitsToScores(logits, 2, 'sigmoid');
    expect(sig[0]).toBeCloseTo(0.5, 6);
    expect(sig[1]).toBeCloseTo(0.75, 6);
    const soft = logitsToScores(logits, 2, 'softmax');
    expect(soft[0]).toBeCloseTo(0.25, 6);
    expect(soft[1]).toBeCloseTo(0.75, 6);
    expect(soft[2]).toBeCloseTo(0.5, 6);
  });
});
