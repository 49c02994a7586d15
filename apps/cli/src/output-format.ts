import * as path from 'node:path';
import { choiceFlag } from './flags';

/** --format of the commands that write annotated images: keep the input's format, or force one. */
export const OUTPUT_FORMATS = ['keep', 'png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * The annotated copy's extension: `keep` writes JPEG for JPEG input (quality 90, so a photo stays near
 * its input's size), WebP for WebP, PNG for PNG and for the formats writeImage does not write (GIF, TIFF, AVIF).
 */
export function outputExtension(file: string, format: OutputFormat): string {
  if (format === 'png') return '.png';
  if (format === 'jpeg') return '.jpg';
  if (format === 'webp') return '.webp';
  const ext = path.extname(file).toLowerCase();
  return ext === '.jpg' || ext === '.jpeg' ? '.jpg' : ext === '.webp' ? '.webp' : '.png';
}

/** --format of detect and attributes (with --out). */
export const FORMAT_FLAG = choiceFlag({
  valueName: 'F',
  description: "the annotated copies' format (with --out): keep the input's, or png, jpeg (quality 90), webp",
  choices: OUTPUT_FORMATS,
  default: 'keep: JPEG for JPEG input, WebP for WebP, PNG otherwise',
});
