import { escapeXml, svgDocument } from '@mobilenet-kit/image';
import type { DetectionEvaluation } from './evaluate-detections';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * The VOC precision–recall curve (IoU 0.5) of every class as one SVG chart:
 * recall on x, precision on y, one step line per class, its AP50 in the legend.
 * Render it to PNG with `writePrCurvesPng` (`@mobilenet-kit/detection/node`) or any SVG renderer.
 */
export function prCurvesSvg(evaluation: DetectionEvaluation, { width = 640, height = 480, title = 'Precision–recall (IoU 0.5)' } = {}): string {
  const left = 56;
  const right = 180;
  const top = 36;
  const bottom = 44;
  const w = width - left - right;
  const h = height - top - bottom;
  const X = (r: number) => (left + r * w).toFixed(1);
  const Y = (p: number) => (top + (1 - p) * h).toFixed(1);
  const parts: string[] = [
    `<text x="${left}" y="22" font-size="14">${escapeXml(title)} · mAP50 ${evaluation.mAP50.toFixed(3)} · mAP ${evaluation.mAP.toFixed(3)}</text>`,
  ];
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    parts.push(`<line x1="${X(v)}" y1="${Y(0)}" x2="${X(v)}" y2="${Y(1)}" stroke="#eee"/><line x1="${X(0)}" y1="${Y(v)}" x2="${X(1)}" y2="${Y(v)}" stroke="#eee"/>`);
    if (i % 2 === 0) parts.push(`<text x="${X(v)}" y="${height - bottom + 16}" text-anchor="middle">${v.toFixed(1)}</text><text x="${left - 6}" y="${Number(Y(v)) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${left + w / 2}" y="${height - 8}" text-anchor="middle">recall</text>`);
  parts.push(`<text transform="translate(14 ${top + h / 2}) rotate(-90)" text-anchor="middle">precision</text>`);
  evaluation.perClass.forEach((c, k) => {
    const colour = COLOURS[k % COLOURS.length]!;
    const { recall, precision } = c.pr;
    if (recall.length > 0) {
      let d = `M${X(0)} ${Y(precision[0]!)}`;
      for (let i = 0; i < recall.length; i++) d += ` H${X(recall[i]!)} V${Y(precision[i]!)}`;
      parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    }
    const ly = top + 14 + k * 18;
    const ap = c.ap50 === null ? 'n/a' : c.ap50.toFixed(3);
    parts.push(`<line x1="${left + w + 12}" y1="${ly - 4}" x2="${left + w + 30}" y2="${ly - 4}" stroke="${colour}" stroke-width="3"/>`);
    parts.push(`<text x="${left + w + 36}" y="${ly}">${escapeXml(c.name)} ${ap}</text>`);
  });
  return svgDocument({ width, height }, parts);
}
