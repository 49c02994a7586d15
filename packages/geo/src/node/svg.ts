import { decodeImage, encodePng, type RgbImage } from '@mobilenet-kit/image';

/**
 * Rasterises an SVG document through sharp (via @mobilenet-kit/image's decoder) to RGB.
 * Only for the documents this package writes itself (maps, curves, synthetic views):
 * they are self-contained, and the image package's SVG policy still checks that.
 */
export async function rasterizeSvg(svg: string): Promise<RgbImage> {
  return decodeImage(new TextEncoder().encode(svg), { allowSvg: true });
}

/** Rasterises an SVG document to PNG bytes. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  return encodePng(await rasterizeSvg(svg));
}

export const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
