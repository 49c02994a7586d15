import { describe, expect, it } from 'vitest';
import { type Detection, type LabelRect, defaultFontScale, drawDetections, layoutLabels } from '../src/index';

function inside(r: LabelRect, width: number, height: number): boolean {
  return r.x >= 0 && r.y >= 0 && r.x + r.width <= width && r.y + r.height <= height && Number.isInteger(r.x) && Number.isInteger(r.y);
}

function overlap(a: LabelRect, b: LabelRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function checkLayout(width: number, height: number, detections: readonly Detection[]) {
  const layout = layoutLabels(width, height, detections);
  const placed = layout.labels.filter((l): l is NonNullable<typeof l> => l !== undefined);
  for (const l of placed) expect(inside(l, width, height), `${JSON.stringify(l)} inside ${width}×${height}`).toBe(true);
  for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) expect(overlap(placed[i]!, placed[j]!), `labels ${i} and ${j}`).toBe(false);
  return { layout, placed };
}

/** mulberry32: a seeded generator so the random crowds are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('layoutLabels', () => {
  it('a crowd of 30 overlapping faces on a 640×480 photo: no two captions overlap, none leaves the image, most are shown', () => {
    const detections: Detection[] = [];
    for (let r = 0; r < 5; r++) for (let c = 0; c < 6; c++) detections.push({ box: { x: 10 + c * 100, y: 20 + r * 90, width: 110, height: 100 }, label: 'face', score: 0.5 + 0.01 * (r * 6 + c) });
    const { placed } = checkLayout(640, 480, detections);
    expect(placed.length).toBeGreaterThanOrEqual(24);
  });

  it('the most confident detections get their captions first', () => {
    // Two boxes at the same place: only one caption fits above, the higher score takes it.
    const detections: Detection[] = [
      { box: { x: 0, y: 20, width: 60, height: 40 }, label: 'a', score: 0.3 },
      { box: { x: 0, y: 20, width: 60, height: 40 }, label: 'b', score: 0.9 },
    ];
    const { layout } = checkLayout(60, 60, detections);
    expect(layout.labels[1]!.y + layout.labels[1]!.height).toBe(20);
    expect(layout.labels[0]!.y).not.toBe(layout.labels[1]!.y);
  });

  it('tiny images: a caption wider than the image is left out rather than cut or spilled', () => {
    const { layout } = checkLayout(40, 30, [{ box: { x: 2, y: 2, width: 30, height: 20 }, label: 'face', score: 0.99 }]);
    expect(layout.labels[0]).toBeUndefined();
    const small = checkLayout(120, 90, [
      { box: { x: 5, y: 5, width: 40, height: 40 }, label: 'face', score: 0.91 },
      { box: { x: 30, y: 20, width: 40, height: 40 }, label: 'face', score: 0.92 },
      { box: { x: 70, y: 40, width: 45, height: 45 }, label: 'face', score: 0.93 },
    ]);
    expect(small.placed).toHaveLength(3);
  });

  it('boxes at and beyond the edges: captions stay inside', () => {
    checkLayout(200, 100, [
      { box: { x: -20, y: -10, width: 60, height: 40 }, label: 'face', score: 0.9 },
      { box: { x: 170, y: 80, width: 60, height: 40 }, label: 'face', score: 0.8 },
      { box: { x: 0, y: 0, width: 200, height: 100 }, label: 'everything', score: 0.7 },
    ]);
  });

  it('200 random crowds on random image sizes keep both rules', () => {
    const next = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const width = 16 + Math.floor(next() * 1200);
      const height = 16 + Math.floor(next() * 900);
      const n = 1 + Math.floor(next() * 25);
      const detections = Array.from({ length: n }, () => ({
        box: { x: next() * width - 10, y: next() * height - 10, width: 5 + next() * width * 0.4, height: 5 + next() * height * 0.4 },
        label: next() < 0.5 ? 'face' : 'person',
        score: next(),
      }));
      checkLayout(width, height, detections);
    }
  });

  it('the font follows the image: 1 on small images, 5 on a 1920×1280 photo', () => {
    expect(defaultFontScale(160, 120)).toBe(1);
    expect(defaultFontScale(1920, 1280)).toBe(5);
    expect(defaultFontScale(640, 480)).toBe(2);
  });
});

describe('drawDetections uses the layout', () => {
  it('paints each caption bar where layoutLabels put it, in the box colour', () => {
    const width = 120;
    const height = 90;
    const image = { width, height, data: new Uint8Array(width * height * 3) };
    const detections: Detection[] = [
      { box: { x: 10, y: 30, width: 40, height: 40 }, label: 'face', score: 0.9, color: '#ff0000' },
      { box: { x: 20, y: 35, width: 40, height: 40 }, label: 'face', score: 0.8, color: '#0000ff' },
    ];
    const out = drawDetections(image, detections);
    const { labels } = layoutLabels(width, height, detections);
    for (const [i, rect] of labels.entries()) {
      const colour = i === 0 ? [255, 0, 0] : [0, 0, 255];
      // The bar's top-left pixel is padding: always the bar colour, never text.
      const p = (rect!.y * width + rect!.x) * 3;
      expect(Array.from(out.data.subarray(p, p + 3))).toEqual(colour);
    }
  });
});
