import { describe, expect, it } from 'vitest';
import { SVG_FONT_FAMILY, decodeImage, escapeXml, rasterizeSvg, svgDocument, svgToPng } from '../src/index';

const svg = (body: string, width = 120, height = 40) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="white"/>${body}</svg>`;

/** Pixels darker than light grey in the rectangle [x0, x1) × [y0, y1). */
function darkPixels(image: { width: number; data: Uint8Array }, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (image.data[(y * image.width + x) * 3]! < 160) n++;
  return n;
}

describe('escapeXml', () => {
  it('turns < > & " \' into entities and leaves other text alone', () => {
    expect(escapeXml(`a<b & "c" 'd'>é`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;é');
    expect(escapeXml('plain')).toBe('plain');
  });

  it('keeps an escaped label intact through the rasteriser (the document still parses)', async () => {
    const image = await rasterizeSvg(svg(`<text x="4" y="28" font-family="DejaVu Sans" font-size="20" fill="black">${escapeXml('<&"x">')}</text>`));
    expect(darkPixels(image, 0, 0, 120, 40)).toBeGreaterThan(20);
  });
});

describe('rasterizeSvg and svgToPng', () => {
  it('gives an image of the SVG width × height, dark where the text is and white elsewhere', async () => {
    const image = await rasterizeSvg(svg('<text x="4" y="20" font-family="DejaVu Sans, sans-serif" font-size="16" fill="black">epoch 12</text>', 160, 60));
    expect([image.width, image.height]).toEqual([160, 60]);
    expect(darkPixels(image, 0, 0, 90, 26)).toBeGreaterThan(30);
    expect(darkPixels(image, 0, 30, 160, 60)).toBe(0);
  });

  it('svgToPng gives PNG bytes that decode to the same size', async () => {
    const png = await svgToPng(svg('<circle cx="20" cy="20" r="10" fill="#1f77b4"/>'));
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const back = await decodeImage(png);
    expect([back.width, back.height]).toEqual([120, 40]);
  });

  it('svgDocument gives the root, a background and the font; without a background the pixels come out black', async () => {
    const doc = svgDocument({ width: 30, height: 10, fontSize: 14, background: '#ff0000' }, ['<rect x="20" width="10" height="10" fill="#00ff00"/>']);
    expect(doc).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="30" height="10" viewBox="0 0 30 10" /);
    expect(doc).toContain(`font-family="${SVG_FONT_FAMILY}" font-size="14"`);
    const image = await rasterizeSvg(doc);
    expect([...image.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...image.data.subarray(25 * 3, 26 * 3)]).toEqual([0, 255, 0]);
    const bare = await rasterizeSvg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>');
    expect([...bare.data.subarray(0, 3)]).toEqual([0, 0, 0]);
  });

  it('still refuses a document that refers to a file', async () => {
    await expect(rasterizeSvg(svg('<image href="file:///etc/passwd" width="10" height="10"/>'))).rejects.toThrow(/external resource/);
  });
});
