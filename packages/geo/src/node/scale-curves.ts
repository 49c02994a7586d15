import { escapeXml, svgDocument, svgToPng } from '@mobilenet-kit/image';
import { IM2GPS_SCALES_KM, type GeoScores } from '../metrics';

export interface ScaleCurvePoint {
  readonly epoch: number;
  readonly scores: GeoScores;
  /** Optional baselines drawn as dashed lines (the last point's). */
  readonly baselines?: Readonly<Record<string, GeoScores>>;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

/**
 * Accuracy at the Im2GPS scales, one line per scale over the epochs (share of
 * held-out photos within 1 / 25 / 200 / 750 / 2 500 km), the last epoch's
 * baselines as dashed levels. SVG rasterised by sharp.
 */
export function scaleCurvesSvg(history: readonly ScaleCurvePoint[], size = { width: 800, height: 360 }): string {
  const { width, height } = size;
  const m = { left: 50, right: 190, top: 20, bottom: 40 };
  const n = history.length;
  const x = (i: number) => (n <= 1 ? (m.left + width - m.right) / 2 : m.left + ((width - m.left - m.right) * i) / (n - 1));
  const y = (v: number) => height - m.bottom - (height - m.top - m.bottom) * v;
  const parts: string[] = [];
  for (let g = 0; g <= 10; g++) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y(g / 10)}" y2="${y(g / 10)}" stroke="#ddd"/>`);
    if (g % 2 === 0) parts.push(`<text x="${m.left - 6}" y="${y(g / 10) + 4}" text-anchor="end" font-size="11">${g * 10}%</text>`);
  }
  history.forEach((h, i) => parts.push(`<text x="${x(i)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11">${h.epoch}</text>`));
  parts.push(`<text x="${(m.left + width - m.right) / 2}" y="${height - 6}" text-anchor="middle" font-size="12">epoch (held-out share within each distance)</text>`);
  const last = history[n - 1];
  IM2GPS_SCALES_KM.forEach((s, k) => {
    const key = String(s) as keyof GeoScores['withinKm'];
    const pts = history.map((h, i) => `${x(i).toFixed(1)},${y(h.scores.withinKm[key]).toFixed(1)}`);
    const color = COLORS[k]!;
    if (n > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${color}"/>`);
    const base = last?.baselines?.mostPopulous;
    if (base) parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y(base.withinKm[key])}" y2="${y(base.withinKm[key])}" stroke="${color}" stroke-dasharray="5 4"/>`);
    const value = last ? `${(100 * last.scores.withinKm[key]).toFixed(1)}%` : '';
    parts.push(`<text x="${width - m.right + 10}" y="${m.top + 18 * k + 12}" font-size="12" fill="${color}">${escapeXml(`${s} km: ${value}`)}</text>`);
  });
  if (last) parts.push(`<text x="${width - m.right + 10}" y="${m.top + 18 * 5 + 16}" font-size="11">median ${Math.round(last.scores.medianKm)} km</text>`);
  if (last?.baselines?.mostPopulous) parts.push(`<text x="${width - m.right + 10}" y="${m.top + 18 * 6 + 16}" font-size="11">dashed: most populous cell</text>`);
  return svgDocument({ width, height }, parts);
}

export async function renderScaleCurves(history: readonly ScaleCurvePoint[]): Promise<Uint8Array> {
  return svgToPng(scaleCurvesSvg(history));
}
