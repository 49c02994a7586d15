import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateDetections, type ImageGroundTruth, type ImagePredictions, prCurvesSvg } from '../src/index';
import { PACKAGE_DIR } from './helpers';

const REF = path.join(PACKAGE_DIR, 'tests', 'reference');
type XYWH = [number, number, number, number];
const toBox = ([x, y, width, height]: XYWH) => ({ x, y, width, height });

interface Fixture {
  groundTruth: { imageId: string; objects: { box: XYWH; classIndex: number; crowd: boolean; difficult: boolean }[] }[];
  predictions: { imageId: string; detections: { box: XYWH; classIndex: number; score: number }[] }[];
}

function load(): { gt: ImageGroundTruth[]; preds: ImagePredictions[] } {
  const f = JSON.parse(readFileSync(path.join(REF, 'detection-map-fixture.json'), 'utf8')) as Fixture;
  return {
    gt: f.groundTruth.map((g) => ({ imageId: g.imageId, objects: g.objects.map((o) => ({ ...o, box: toBox(o.box) })) })),
    preds: f.predictions.map((p) => ({ imageId: p.imageId, detections: p.detections.map((d) => ({ ...d, box: toBox(d.box) })) })),
  };
}

describe('evaluateDetections', () => {
  it('matches the numpy reference (tests/reference/map_reference.py: voc_eval + COCOeval from their published algorithms) on a fixture with crowds, ties, duplicates, difficult objects and 4 classes', () => {
    const expected = JSON.parse(readFileSync(path.join(REF, 'detection-map-expected.json'), 'utf8'));
    const { gt, preds } = load();
    const r = evaluateDetections(preds, gt);
    expect(r.perClass.map((c) => c.classIndex)).toEqual([1, 2, 3, 4]);
    for (const c of r.perClass) {
      const e = expected.perClass[String(c.classIndex)];
      expect(c.ap50, `class ${c.classIndex} VOC AP50`).toBeCloseTo(e.ap50, 12);
      expect(c.ap, `class ${c.classIndex} COCO AP`).toBeCloseTo(e.ap, 12);
      expect(c.cocoAp50).toBeCloseTo(e.cocoAp50, 12);
      expect(c.cocoAp75).toBeCloseTo(e.cocoAp75, 12);
    }
    expect(r.mAP50).toBeCloseTo(expected.mAP50, 12);
    expect(r.mAP).toBeCloseTo(expected.mAP, 12);
    // The fixture is not trivial: the metrics differ from each other and from 0 and 1.
    expect(r.mAP50).toBeGreaterThan(0.1);
    expect(r.mAP50).toBeLessThan(0.9);
    expect(r.mAP).toBeLessThan(r.mAP50);
  });

  it('gives 1 for perfect detections, and a duplicate is a false positive for both metrics', () => {
    const gt: ImageGroundTruth[] = [{ imageId: 1, objects: [{ box: { x: 0, y: 0, width: 10, height: 10 }, classIndex: 1 }] }];
    const perfect = evaluateDetections([{ imageId: 1, detections: [{ box: { x: 0, y: 0, width: 10, height: 10 }, classIndex: 1, score: 0.9 }] }], gt, { labels: ['cat'] });
    expect(perfect.mAP50).toBe(1);
    expect(perfect.mAP).toBeCloseTo(1, 12); // tp / (tp + fp + eps), as pycocotools
    expect(perfect.perClass[0]!.name).toBe('cat');
    // The duplicate ranks above the true hit: precision 1/2 at recall 1.
    const dup = evaluateDetections(
      [{ imageId: 1, detections: [{ box: { x: 0, y: 0, width: 10, height: 10 }, classIndex: 1, score: 0.5 }, { box: { x: 1, y: 0, width: 10, height: 10 }, classIndex: 1, score: 0.9 }] }],
      gt,
    );
    expect(dup.mAP50).toBeCloseTo(1, 12); // the higher-scored one (IoU 0.82) is the hit, the other the false positive after it
    expect(dup.perClass[0]!.pr.precision[1]).toBe(0.5);
  });

  it('names the bad input', () => {
    const gt: ImageGroundTruth[] = [{ imageId: 'a', objects: [] }];
    expect(() => evaluateDetections([{ imageId: 'b', detections: [] }], gt)).toThrow(/predictions\[0\]\.imageId/);
    expect(() => evaluateDetections([{ imageId: 'a', detections: [{ box: { x: 0, y: 0, width: -1, height: 1 }, classIndex: 1, score: 1 }] }], gt)).toThrow(/detections\[0\]\.box/);
  });

  it('draws the curves as SVG with one line and legend entry per class', () => {
    const { gt, preds } = load();
    const svg = prCurvesSvg(evaluateDetections(preds, gt, { labels: ['circle', 'square', 'triangle', 'star'] }));
    expect(svg.match(/<path /g)?.length).toBe(3); // class 4 has no detection: a legend entry, no line
    expect(svg).toContain('star 0.000');
    expect(svg).toContain('square 0.552');
  });
});
