import { ImageError } from './errors';

/**
 * SVG is refused by default, recognised by content (not by file name): an
 * SVG rasteriser can be made to read local files (`<image href="file:///…">`)
 * or fetch URLs, which turns an image input into a file read. With
 * `allowSvg` an SVG is decoded only when it refers to nothing outside itself:
 * every href/src must be a fragment (`#id`) or a `data:` URI, every `url(…)`
 * a fragment, and no DOCTYPE entity, `@import` or XInclude may appear.
 */

const GZIP = [0x1f, 0x8b];

/** True when the bytes look like an SVG document (XML prolog, comments or DOCTYPE, then an <svg> element). */
export function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096)).replace(/^\ufeff|^\xef\xbb\xbf/, '');
  const trimmed = head.trimStart();
  if (!trimmed.startsWith('<')) return false;
  return /<svg[\s>/:]/i.test(trimmed) || /<!DOCTYPE\s+svg/i.test(trimmed);
}

/** True for gzip data (an SVGZ, or anything else compressed: no raster format sharp reads starts this way). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP[0] && bytes[1] === GZIP[1];
}

/** The first external reference of an SVG document, or undefined when it has none. */
export function svgExternalReference(text: string): string | undefined {
  if (/<!ENTITY/i.test(text)) return '<!ENTITY …> (an XML entity)';
  if (/<!DOCTYPE[^>]*\b(SYSTEM|PUBLIC)\b/i.test(text)) return 'a DOCTYPE with an external identifier';
  if (/xi:include|<include[\s>]/i.test(text)) return 'an XInclude';
  if (/@import/i.test(text)) return '@import in a style sheet';
  for (const m of text.matchAll(/(?:^|[\s"'<])(?:[\w-]+:)?(?:href|src)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const value = (m[2] ?? m[3] ?? m[4]?.replace(/\/$/, '') ?? '').trim();
    if (!value.startsWith('#') && !/^data:/i.test(value)) return `href "${value}"`;
  }
  for (const m of text.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    const value = m[2]!.trim();
    if (!value.startsWith('#') && !/^data:/i.test(value)) return `url(${value})`;
  }
  return undefined;
}

/**
 * Applies the SVG policy to encoded bytes before they reach a decoder:
 * refuses SVG (and gzip data) unless `allowSvg`; with `allowSvg`, refuses an
 * SVG that refers to anything outside itself.
 */
export function checkSvgPolicy(bytes: Uint8Array, source: string, allowSvg: boolean): void {
  if (isGzip(bytes)) {
    throw new ImageError(source, 'is gzip-compressed data (an SVGZ or a compressed file), not an image format that is accepted; decompress it (SVG also needs allowSvg / --allow-svg)');
  }
  if (!looksLikeSvg(bytes)) return;
  if (!allowSvg) {
    throw new ImageError(source, 'is an SVG document (recognised by its content); SVG is refused by default because it can refer to other files; pass allowSvg: true (CLI: --allow-svg) to rasterise it without following any reference');
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  const reference = svgExternalReference(text);
  if (reference !== undefined) {
    throw new ImageError(source, `SVG refers to an external resource (${reference}); external references (file://, relative paths, http) are never followed, even with allowSvg`);
  }
}
