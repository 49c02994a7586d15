import { describe, expect, it } from 'vitest';
import { GLYPH_HEIGHT, glyphRows, measureText, rasterizeText } from '../src/bitmap-font';
import { captionOf } from '../src/draw';
import { clipBox, drawDetections } from '../src/index';
import { pixel } from './helpers';

const grey = (width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 3).fill(90) });

describe('drawDetections', () => {
  it('colours the box edges, leaves the inside and the outside alone, and does not touch the input', () => {
    const image = grey(100, 80);
    const drawn = drawDetections(image, [{ box: { x: 20, y: 30, width: 40, height: 30 } }], { color: [255, 0, 0], lineWidth: 2 });
    expect(image.data.every((v) => v === 90)).toBe(true);
    const red = [255, 0, 0];
    // Edges: x 20..59, y 30..59; 2 pixels thick, inward.
    for (const [x, y] of [
      [20, 30], [59, 30], [20, 59], [59, 59], // corners
      [40, 30], [40, 31], [40, 59], [40, 58], // top and bottom edges
      [20, 45], [21, 45], [59, 45], [58, 45], // left and right edges
    ] as const) expect(pixel(drawn, x, y)).toEqual(red);
    for (const [x, y] of [
      [22, 32], [40, 45], [57, 57], // inside
      [19, 45], [60, 45], [40, 29], [40, 60], [0, 0], [99, 79], // outside
    ] as const) expect(pixel(drawn, x, y)).toEqual([90, 90, 90]);
  });

  it('writes "label score" on a bar above the box, in a colour that reads on the bar', () => {
    const image = grey(200, 100);
    const drawn = drawDetections(image, [{ box: { x: 50, y: 40, width: 60, height: 40 }, label: 'face', score: 0.934 }], {
      color: '#00ff00',
      lineWidth: 1,
      fontScale: 1,
    });
    // Bar: text "face 0.93" is 9 glyphs → 9·6 − 1 = 53 px wide, 7 tall, 1 px padding: x 50..104, y 31..39.
    const barPixels: number[][] = [];
    for (let y = 31; y < 40; y++) for (let x = 50; x < 105; x++) barPixels.push(pixel(drawn, x, y));
    const green = barPixels.filter((p) => p.join() === '0,255,0').length;
    const black = barPixels.filter((p) => p.join() === '0,0,0').length;
    expect(green + black).toBe(barPixels.length); // the whole bar is drawn
    expect(black).toBeGreaterThan(40); // text is black on green
    expect(pixel(drawn, 49, 35)).toEqual([90, 90, 90]);
    expect(pixel(drawn, 105, 35)).toEqual([90, 90, 90]);
    expect(pixel(drawn, 60, 30)).toEqual([90, 90, 90]);
    // Dark colours get white text.
    const onBlue = drawDetections(image, [{ box: { x: 50, y: 40, width: 60, height: 40 }, score: 0.5 }], { color: [0, 0, 128], fontScale: 1 });
    let white = 0;
    for (let y = 31; y < 40; y++) for (let x = 50; x < 80; x++) if (pixel(onBlue, x, y).join() === '255,255,255') white++;
    expect(white).toBeGreaterThan(10);
  });

  it('puts the caption inside the box when there is no room above, and clips boxes partly outside', () => {
    const image = grey(60, 40);
    const drawn = drawDetections(image, [{ box: { x: -10, y: 0, width: 40, height: 100 }, label: 'x' }], { color: [255, 255, 0], fontScale: 1, lineWidth: 1 });
    expect(pixel(drawn, 29, 20)).toEqual([255, 255, 0]); // right edge at x = 30 − 1
    expect(pixel(drawn, 0, 20)).toEqual([255, 255, 0]); // left edge clipped to the image border
    expect(pixel(drawn, 15, 39)).toEqual([255, 255, 0]); // bottom edge clipped
    expect(pixel(drawn, 15, 20)).toEqual([90, 90, 90]);
    expect(pixel(drawn, 0, 1)).toEqual([255, 255, 0]); // caption bar inside, from the top
  });

  it('skips boxes wholly outside the image or empty; refuses non-finite boxes and bad options', () => {
    const image = grey(20, 20);
    const drawn = drawDetections(image, [
      { box: { x: 30, y: 30, width: 5, height: 5 }, label: 'away' },
      { box: { x: 5, y: 5, width: 0, height: 5 } },
    ]);
    expect(Array.from(drawn.data)).toEqual(Array.from(image.data));
    expect(() => drawDetections(image, [{ box: { x: Number.NaN, y: 0, width: 1, height: 1 } }])).toThrow(/detection 0 has no finite box/);
    expect(() => drawDetections(image, [], { color: 'red' })).toThrow(/color must be '#rrggbb' or \[r, g, b\], got "red"/);
    expect(() => drawDetections(image, [], { color: [0, 300, 0] })).toThrow(/integers 0\.\.255/);
    expect(() => drawDetections(image, [], { lineWidth: 0 })).toThrow('drawDetections: lineWidth must be a positive integer, got 0');
    expect(() => drawDetections(image, [], { fontScale: 1.5 })).toThrow(/fontScale must be a positive integer, got 1\.5/);
  });

  it('uses a detection\'s own colour over options.color', () => {
    const drawn = drawDetections(grey(50, 50), [
      { box: { x: 5, y: 20, width: 10, height: 10 } },
      { box: { x: 30, y: 20, width: 10, height: 10 }, color: '#0000ff' },
    ], { color: [255, 0, 0], lineWidth: 1 });
    expect(pixel(drawn, 5, 25)).toEqual([255, 0, 0]);
    expect(pixel(drawn, 30, 25)).toEqual([0, 0, 255]);
  });

  it('scales line width and font with the image by default', () => {
    const drawn = drawDetections(grey(900, 900), [{ box: { x: 100, y: 100, width: 300, height: 300 } }]);
    // Default line width round(900 / 300) = 3.
    expect(pixel(drawn, 250, 102)).toEqual([0, 255, 0]);
    expect(pixel(drawn, 250, 103)).toEqual([90, 90, 90]);
  });
});

describe('captions and the bitmap font', () => {
  it('formats label and score to two decimals', () => {
    expect(captionOf({ box: { x: 0, y: 0, width: 1, height: 1 }, label: 'face', score: 0.9349 })).toBe('face 0.93');
    expect(captionOf({ box: { x: 0, y: 0, width: 1, height: 1 }, score: 1 })).toBe('1.00');
    expect(captionOf({ box: { x: 0, y: 0, width: 1, height: 1 }, label: 'cat' })).toBe('cat');
    expect(captionOf({ box: { x: 0, y: 0, width: 1, height: 1 } })).toBe('');
  });

  it('has a glyph for every digit, letter and the punctuation of scores; others draw as "?"', () => {
    for (const character of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .:-_%()/') {
      expect(glyphRows(character)).toHaveLength(GLYPH_HEIGHT);
    }
    expect(glyphRows('€')).toBe(glyphRows('?'));
    // Digits are all different shapes.
    expect(new Set('0123456789'.split('').map((d) => glyphRows(d).join())).size).toBe(10);
  });

  it('rasterizes "1" at scale 2 as its glyph, each bit a 2×2 block', () => {
    const lit = new Set<string>();
    rasterizeText('1', 10, 20, 2, (x, y) => lit.add(`${x},${y}`));
    // Row 0 of "1" is 00100: the block at columns 2 → x 14..15, y 20..21.
    expect(['14,20', '15,20', '14,21', '15,21'].every((p) => lit.has(p))).toBe(true);
    expect(lit.has('10,20')).toBe(false);
    const bits = glyphRows('1').reduce((n, row) => n + row.toString(2).split('1').length - 1, 0);
    expect(lit.size).toBe(bits * 4);
    expect(measureText('0.93', 2)).toEqual({ width: (4 * 6 - 1) * 2, height: 14 });
  });
});

describe('clipBox', () => {
  it('clips to the image and empties boxes outside', () => {
    expect(clipBox({ x: -5, y: 10, width: 20, height: 100 }, 50, 40)).toEqual({ x: 0, y: 10, width: 15, height: 30 });
    expect(clipBox({ x: 60, y: 10, width: 5, height: 5 }, 50, 40)).toEqual({ x: 50, y: 10, width: 0, height: 5 });
  });
});
