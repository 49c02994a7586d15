import { escapeXml, svgDocument, svgToPng } from '@mobilenet-kit/image';
import { geoEquirectangular, geoGraticule10, geoPath } from 'd3-geo';
import type { CellPrediction } from '../geolocate';
import type { LatLon } from '../distance';
import { loadAtlas } from './atlas';

export interface GeoMapOptions {
  /** Cells to shade, by probability (the most probable darkest). */
  readonly cells: readonly Pick<CellPrediction, 'polygon' | 'probability'>[];
  readonly estimate?: LatLon;
  /** The true location, when known (green). */
  readonly truth?: LatLon;
  readonly title?: string;
  /** Width in pixels (height is half). Default 1000. */
  readonly width?: number;
}

/** The world map as SVG: Natural Earth land (world-atlas) in an equirectangular projection (d3-geo), the cells shaded by probability, the estimate (red) and the truth (green). */
export function geoMapSvg(options: GeoMapOptions): string {
  const width = options.width ?? 1000;
  const height = Math.round(width / 2);
  const { land, borders } = loadAtlas();
  const projection = geoEquirectangular().fitSize([width, height], { type: 'Sphere' });
  const p = geoPath(projection);
  const maxP = Math.max(1e-12, ...options.cells.map((c) => c.probability));
  const cells = options.cells
    .map((c) => {
      const d = p({ type: 'Polygon', coordinates: [c.polygon] });
      const alpha = (0.15 + 0.75 * (c.probability / maxP)).toFixed(3);
      return d ? `<path d="${d}" fill="#d62728" fill-opacity="${alpha}" stroke="#7f0000" stroke-width="0.8"/>` : '';
    })
    .join('');
  const marker = (at: LatLon, color: string) => {
    const xy = projection([at.lon, at.lat]);
    return xy ? `<circle cx="${xy[0].toFixed(1)}" cy="${xy[1].toFixed(1)}" r="${(width / 150).toFixed(1)}" fill="${color}" stroke="#000" stroke-width="1.5"/>` : '';
  };
  const line = options.estimate && options.truth ? `<path d="${p({ type: 'LineString', coordinates: [[options.estimate.lon, options.estimate.lat], [options.truth.lon, options.truth.lat]] })}" fill="none" stroke="#000" stroke-width="1.5" stroke-dasharray="4 3"/>` : '';
  return svgDocument({ width, height, background: '#a6cee3' }, [
    `<path d="${p(geoGraticule10())}" fill="none" stroke="#ffffff" stroke-opacity="0.5" stroke-width="0.5"/>`,
    `<path d="${p(land)}" fill="#e8e2c8" stroke="#8c8c6c" stroke-width="0.6"/>`,
    `<path d="${p(borders)}" fill="none" stroke="#a0a080" stroke-width="0.4"/>`,
    cells,
    line,
    options.truth ? marker(options.truth, '#2ca02c') : '',
    options.estimate ? marker(options.estimate, '#d62728') : '',
    options.title ? `<text x="10" y="${height - 10}" font-size="${Math.round(width / 60)}" fill="#000">${escapeXml(options.title)}</text>` : '',
  ]);
}

/** The world map as PNG bytes (sharp renders the SVG). */
export async function renderGeoMap(options: GeoMapOptions): Promise<Uint8Array> {
  return svgToPng(geoMapSvg(options));
}
