import { escapeXml, svgDocument } from '@mobilenet-kit/image';
import type { ConfusionMatrix } from '../metrics';
import { textWidth } from './ticks';

/** matplotlib's "Blues" colour map at nine evenly spaced stops (white to dark blue). */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

const rgbOf = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** The Blues colour at `f` ∈ [0, 1], interpolated between its stops. */
function blues(f: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, f)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(t));
  const a = rgbOf(BLUES[i]!);
  const b = rgbOf(BLUES[i + 1]!);
  return a.map((v, k) => Math.round(v + (b[k]! - v) * (t - i))) as [number, number, number];
}

const hexOf = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
/** Light text on dark cells, dark text on light ones (relative luminance against the midpoint). */
const textOn = ([r, g, b]: readonly number[]) => ((0.299 * r! + 0.587 * g! + 0.114 * b!) / 255 < 0.5 ? '#ffffff' : '#111111');
/** A class name of at most 28 characters (longer ones end in "…"), so that one long folder name does not push the matrix aside. */
const shorten = (name: string) => (name.length > 28 ? `${name.slice(0, 27)}…` : name);
const percent = (f: number) => `${(100 * f).toFixed(f === 0 || f === 1 ? 0 : 1)}%`;

export interface ConfusionMatrixSvgOptions {
  /** Cell size in pixels; default from the number of classes (96 for a few, 56 for ten, 30 at the least). */
  readonly cell?: number;
  /** The heading; default "confusion matrix · N images · accuracy A%". */
  readonly title?: string;
}

/**
 * The confusion matrix as an SVG heat map, like scikit-learn's
 * ConfusionMatrixDisplay: true label down the left, predicted label along the
 * bottom (names turned 45° when they are wider than a cell), each cell its
 * count and its share of the row (of the true class: the diagonal is the
 * recall), coloured by that share (white 0% to dark blue 100%, the colour bar
 * on the right), its text light on dark cells and dark on light ones.
 * Labels are escaped (and cut at 28 characters). A string, safe in browsers;
 * rasterise with `svgToPng` (@mobilenet-kit/image). Texts carry classes
 * (`cell-count`, `cell-share`, `true-label`, `predicted-label`).
 */
export function confusionMatrixSvg(matrix: ConfusionMatrix, labels: readonly string[], options: ConfusionMatrixSvgOptions = {}): string {
  const { classes, counts } = matrix;
  const names = Array.from({ length: classes }, (_, i) => shorten(labels[i] ?? `class ${i}`));
  const cell = options.cell ?? Math.max(30, Math.min(96, Math.round(560 / classes)));
  const showShare = cell >= 44;
  const countSize = Math.min(14, Math.max(9, Math.round(cell * 0.26)));
  const shareSize = Math.min(12, Math.max(9, Math.round(cell * 0.17)));
  const rowTotals = names.map((_, r) => {
    let total = 0;
    for (let c = 0; c < classes; c++) total += counts[r * classes + c]!;
    return total;
  });
  const all = rowTotals.reduce((a, b) => a + b, 0);
  let correct = 0;
  for (let i = 0; i < classes; i++) correct += counts[i * classes + i]!;
  const title = options.title ?? `confusion matrix · ${all} image${all === 1 ? '' : 's'} · accuracy ${all ? percent(correct / all) : 'n/a'}`;

  const labelWidth = Math.max(...names.map((n) => textWidth(n, 12)));
  const rotate = labelWidth > cell - 6;
  const xLabelHeight = rotate ? labelWidth * Math.SQRT1_2 + 18 : 20;
  const left = Math.max(34 + labelWidth + 10, rotate ? labelWidth * Math.SQRT1_2 - cell / 2 + 20 : 0);
  const top = 48;
  const grid = classes * cell;
  const barX = left + grid + 24;
  const width = Math.ceil(Math.max(barX + 14 + 44 + 26, left + textWidth(title, 15) + 10));
  const height = Math.ceil(top + grid + xLabelHeight + 34);

  const parts: string[] = [`<text x="${left}" y="28" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`];
  for (let r = 0; r < classes; r++) {
    for (let c = 0; c < classes; c++) {
      const count = counts[r * classes + c]!;
      const share = rowTotals[r] ? count / rowTotals[r]! : 0;
      const fill = blues(share);
      const x = left + c * cell;
      const y = top + r * cell;
      const ink = textOn(fill);
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${hexOf(fill)}" stroke="#ffffff"/>`);
      const cx = x + cell / 2;
      if (showShare) {
        parts.push(`<text class="cell-count" x="${cx}" y="${y + cell / 2 - 1}" text-anchor="middle" font-size="${countSize}" font-weight="bold" fill="${ink}">${count}</text>`);
        parts.push(`<text class="cell-share" x="${cx}" y="${y + cell / 2 + shareSize + 3}" text-anchor="middle" font-size="${shareSize}" fill="${ink}">${rowTotals[r] ? percent(share) : '–'}</text>`);
      } else {
        parts.push(`<text class="cell-count" x="${cx}" y="${y + cell / 2 + countSize * 0.35}" text-anchor="middle" font-size="${countSize}" fill="${ink}">${count}</text>`);
      }
    }
  }
  parts.push(`<rect x="${left}" y="${top}" width="${grid}" height="${grid}" fill="none" stroke="#444"/>`);
  names.forEach((name, i) => {
    const text = escapeXml(name);
    const cy = top + i * cell + cell / 2;
    parts.push(`<text class="true-label" x="${left - 8}" y="${(cy + 4).toFixed(1)}" text-anchor="end" fill="#222">${text}</text>`);
    const cx = left + i * cell + cell / 2;
    const ly = top + grid + 16;
    parts.push(
      rotate
        ? `<text class="predicted-label" x="${cx}" y="${ly - 4}" text-anchor="end" transform="rotate(-45 ${cx} ${ly - 4})" fill="#222">${text}</text>`
        : `<text class="predicted-label" x="${cx}" y="${ly}" text-anchor="middle" fill="#222">${text}</text>`,
    );
  });
  parts.push(`<text x="${left + grid / 2}" y="${top + grid + xLabelHeight + 22}" text-anchor="middle" font-size="13" fill="#222">predicted label</text>`);
  parts.push(`<text transform="translate(16 ${top + grid / 2}) rotate(-90)" text-anchor="middle" font-size="13" fill="#222">true label</text>`);

  // The colour bar: share of the true class, 0% at the bottom, 100% at the top.
  const stops = BLUES.map((c, i) => `<stop offset="${((100 * i) / (BLUES.length - 1)).toFixed(1)}%" stop-color="${c}"/>`).join('');
  parts.push(`<defs><linearGradient id="blues" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`);
  parts.push(`<rect x="${barX}" y="${top}" width="14" height="${grid}" fill="url(#blues)" stroke="#444"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + grid * (1 - t);
    parts.push(`<line x1="${barX + 14}" y1="${y}" x2="${barX + 18}" y2="${y}" stroke="#444"/><text x="${barX + 21}" y="${y + 4}" fill="#333">${100 * t}%</text>`);
  }
  const barTitle = textWidth('share of the true label (row %)', 12) <= grid ? 'share of the true label (row %)' : 'row %';
  parts.push(`<text transform="translate(${barX + 14 + 56} ${top + grid / 2}) rotate(90)" text-anchor="middle" font-size="12" fill="#333">${barTitle}</text>`);
  return svgDocument({ width, height, fontSize: 12 }, parts);
}
