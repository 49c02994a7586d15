import { rasterizeSvg } from '@mobilenet-kit/image';
import { describe, expect, it } from 'vitest';
import { epochTicks, niceStep, valueScale } from '../src/charts/ticks';
import { type CurvePoint, confusionMatrix, confusionMatrixSvg, FASHION_MNIST_CLASSES, trainingCurvesSvg } from '../src/index';

/** The texts of the `<text class="…">` elements of an SVG document. */
const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]!);

const history = (epochs: number, validation = true): CurvePoint[] =>
  Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 2 / (i + 1) + 0.3,
    accuracy: 0.9 - 0.5 / (i + 1),
    valLoss: validation ? 2.2 / (i + 1) + 0.4 : Number.NaN,
    valAccuracy: validation ? 0.85 - 0.5 / (i + 1) : Number.NaN,
  }));

/** How many pixels of the box [x0, x1) × [y0, y1) are clearly darker than white (text, lines). */
const inked = (image: { width: number; data: Uint8Array }, x0: number, y0: number, x1: number, y1: number) =>
  Array.from({ length: (x1 - x0) * (y1 - y0) }, (_, k) => image.data[((y0 + Math.floor(k / (x1 - x0))) * image.width + x0 + (k % (x1 - x0))) * 3]!).filter((v) => v < 200).length;

describe('axis ticks', () => {
  it('picks 1-2-5 steps, covers the data and thins epoch ticks', () => {
    expect([niceStep(1, 10), niceStep(0.65, 7), niceStep(99, 8)]).toEqual([0.1, 0.1, 20]);
    expect(valueScale(0.27, 0.93, 7)).toMatchObject({ min: 0.2, max: 1, step: 0.1 });
    expect(valueScale(0.3, 0.3).ticks.length).toBeGreaterThan(1); // a flat range is widened
    expect(epochTicks(1, 1, 8)).toEqual([1]);
    expect(epochTicks(1, 10, 12)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(epochTicks(1, 200, 8)).toEqual([1, 50, 100, 150, 200]);
  });
});

describe('trainingCurvesSvg', () => {
  it('has epoch numbers as ticks, tick values (accuracy in %), a train/validation legend with the last values', () => {
    const svg = trainingCurvesSvg(history(5));
    const epochs = texts(svg, 'epoch-tick');
    expect(epochs).toEqual(['1', '2', '3', '4', '5', '1', '2', '3', '4', '5']); // both panels
    const values = texts(svg, 'value-tick');
    expect(values.filter((v) => /^\d+\.\d+$/.test(v)).length).toBeGreaterThanOrEqual(3); // loss ticks
    expect(values.filter((v) => /^\d+%$/.test(v)).length).toBeGreaterThanOrEqual(3); // accuracy ticks
    expect(texts(svg, 'legend')).toEqual(['train 0.7000', 'validation 0.8400', 'train 80.00%', 'validation 75.00%']);
    expect(svg).toContain('>loss<');
    expect(svg).toContain('>accuracy<');
    expect(svg).toContain('>epoch<');
  });

  it('draws one epoch as points, says when there is no validation set, and thins many epochs', () => {
    const one = trainingCurvesSvg(history(1));
    expect(texts(one, 'epoch-tick')).toEqual(['1', '1']);
    expect(one.match(/<circle /g)).toHaveLength(2 * 2 + 4); // a dot per series and panel, and the four legend dots
    expect(one).not.toContain('NaN');

    const none = trainingCurvesSvg(history(3, false));
    expect(texts(none, 'legend')).toEqual(['train 0.9667', 'no validation set', 'train 73.33%', 'no validation set']);
    expect(none).not.toContain('#ff7f0e');
    expect(none).not.toContain('NaN');

    const many = trainingCurvesSvg(history(300));
    const ticks = texts(many, 'epoch-tick').slice(0, texts(many, 'epoch-tick').length / 2).map(Number);
    expect(ticks.length).toBeLessThanOrEqual(12);
    expect(ticks[0]).toBe(1);
    expect(ticks.at(-1)).toBe(300);
    expect(many.match(/<circle /g)).toHaveLength(4); // no dot per epoch: only the legend's
  });

  it('leaves a gap where validation is missing for some epochs', () => {
    const gappy = history(6).map((h, i) => (i === 2 ? { ...h, valLoss: Number.NaN, valAccuracy: Number.NaN } : h));
    const svg = trainingCurvesSvg(gappy);
    expect(svg.match(/<polyline [^>]*stroke="#ff7f0e"/g)).toHaveLength(4); // two runs per panel
    expect(svg).not.toContain('NaN');
  });

  it('rasterises to its width × height with ink where the titles and legend are', async () => {
    const image = await rasterizeSvg(trainingCurvesSvg(history(4), { width: 800, height: 360 }));
    expect([image.width, image.height]).toEqual([800, 360]);
    expect(inked(image, 60, 8, 120, 30)).toBeGreaterThan(40); // "loss"
    expect(inked(image, 60, 36, 300, 52)).toBeGreaterThan(80); // the legend
    expect(inked(image, 60, 330, 360, 345)).toBeGreaterThan(20); // the epoch numbers
  });
});

describe('confusionMatrixSvg', () => {
  const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2, 9, 9, 6];
  const predicted = [0, 0, 6, 1, 1, 2, 4, 2, 2, 9, 7, 0];
  const matrix = confusionMatrix(truth, predicted, 10);

  it('names every class on both axes and shows each cell its count and row percentage', () => {
    const svg = confusionMatrixSvg(matrix, FASHION_MNIST_CLASSES);
    expect(texts(svg, 'true-label')).toEqual([...FASHION_MNIST_CLASSES]);
    expect(texts(svg, 'predicted-label')).toEqual([...FASHION_MNIST_CLASSES]);
    for (const name of FASHION_MNIST_CLASSES) expect(svg.split(`>${name}<`).length - 1, name).toBe(2);
    expect(texts(svg, 'cell-count')).toEqual([...matrix.counts].map(String));
    const shares = texts(svg, 'cell-share');
    expect(shares[0]).toBe('66.7%'); // T-shirt/top: 2 of 3 right
    expect(shares[6]).toBe('33.3%'); // … 1 of 3 taken for a shirt
    expect(shares[2 * 10 + 2]).toBe('75.0%');
    expect(shares[3 * 10 + 3]).toBe('–'); // no Dress in the truth: no percentage
    expect(svg).toContain('>true label<');
    expect(svg).toContain('>predicted label<');
    expect(svg).toContain('12 images · accuracy 66.7%'); // 8 of 12 on the diagonal
    expect(svg).toContain('url(#blues)'); // the colour bar
    expect(svg).toMatch(/transform="rotate\(-45 /); // "T-shirt/top" is wider than a cell
  });

  it('switches the text colour with the darkness of the cell', () => {
    const svg = confusionMatrixSvg(confusionMatrix([0, 0, 0, 0, 1], [0, 0, 0, 0, 0], 2), ['a', 'b']);
    expect(svg).toMatch(/<text class="cell-count"[^>]*fill="#ffffff">4</); // 100% of row a: dark blue, white text
    expect(svg).toMatch(/<text class="cell-count"[^>]*fill="#111111">0</); // 0%: near white, dark text
  });

  it('escapes labels and still rasterises', async () => {
    const svg = confusionMatrixSvg(confusionMatrix([0, 1], [0, 1], 2), ['<b&"x">', 'ok']);
    expect(svg).not.toContain('<b&"x">');
    expect(svg.split('&lt;b&amp;&quot;x&quot;&gt;').length - 1).toBe(2);
    const image = await rasterizeSvg(svg);
    const [, width, height] = svg.match(/<svg [^>]*width="(\d+)" height="(\d+)"/)!;
    expect([image.width, image.height]).toEqual([Number(width), Number(height)]);
  });
});
