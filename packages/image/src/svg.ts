import { decodeImage } from './decode';
import { encodePng } from './encode';
import type { RgbImage } from './types';

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for SVG/XML, as element content or as a quoted attribute value: `< > & " '` become entities. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c]!);
}

/** The font every chart names: DejaVu Sans where it is installed (librsvg asks fontconfig), else any sans-serif. */
export const SVG_FONT_FAMILY = 'DejaVu Sans, Verdana, sans-serif';

/**
 * An SVG document `width` × `height` (one user unit one pixel when
 * rasterised) around `body`: a background first (white unless given), so that
 * no pixel is transparent, and `SVG_FONT_FAMILY` at `fontSize` as the default
 * for its text.
 */
export function svgDocument(
  size: { readonly width: number; readonly height: number; readonly fontSize?: number; readonly background?: string },
  body: string | readonly string[],
): string {
  const { width, height, fontSize = 12, background = 'white' } = size;
  const content = typeof body === 'string' ? body : body.join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${SVG_FONT_FAMILY}" font-size="${fontSize}">`,
    `<rect width="${width}" height="${height}" fill="${background}"/>`,
    content,
    '</svg>',
  ].join('\n');
}

/**
 * Rasterises an SVG document that the program wrote itself (charts, maps) to
 * RGB, one pixel per user unit (the root's width × height), through
 * `decodeImage(…, { allowSvg: true })`: sharp's librsvg in Node, with the
 * system's fonts for `<text>`. The SVG policy still applies: a document that
 * refers to anything outside itself is refused. Transparent parts come out
 * black, so give the document a background.
 */
export async function rasterizeSvg(svg: string): Promise<RgbImage> {
  return decodeImage(new TextEncoder().encode(svg), { allowSvg: true });
}

/** `rasterizeSvg` then `encodePng`: the SVG document as PNG bytes. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  return encodePng(await rasterizeSvg(svg));
}
