import { deriveSeed, mulberry32 } from '@mobilenet-kit/core';
import { rasterizeSvg } from '@mobilenet-kit/image';
import { geoAzimuthalEquidistant, geoContains, geoPath } from 'd3-geo';
import { EARTH_RADIUS_KM, greatCircleKm, type LatLon } from '../distance';
import { GeoOptionError } from '../errors';
import { loadAtlas } from './atlas';

/**
 * The offline geolocation benchmark: views of the Earth rendered from Natural
 * Earth data (world-atlas 1:110m land and country borders), each labelled by
 * the coordinates of its centre. A view is an azimuthal-equidistant
 * projection centred on its point, `spanKm` across (uniform in
 * [minSpanKm, maxSpanKm]), rotated by an angle uniform in ±maxRotationDeg,
 * drawn at `size`² pixels: ocean blue, land sand, borders dark. Centres are
 * uniform on land (a uniform point on the sphere, kept when Natural Earth
 * land contains it). Everything is drawn from mulberry32 streams derived from
 * `seed`, so a (seed, count, settings) triple always gives the same images.
 */
export interface MapViewSettings {
  readonly size: number;
  readonly minSpanKm: number;
  readonly maxSpanKm: number;
  readonly maxRotationDeg: number;
}

export const MAP_VIEW_DEFAULTS: MapViewSettings = Object.freeze({ size: 64, minSpanKm: 2000, maxSpanKm: 4000, maxRotationDeg: 30 });

export interface MapView extends LatLon {
  readonly spanKm: number;
  readonly rotationDeg: number;
}

/** `count` view parameters (centre, span, rotation), seeded; centres closer than `awayKm` to any of `avoid` are redrawn (held-out centres). */
export function drawMapViews(count: number, seed: number, settings: Partial<MapViewSettings> = {}, avoid: readonly LatLon[] = [], awayKm = 0): MapView[] {
  const s = { ...MAP_VIEW_DEFAULTS, ...settings };
  if (!Number.isInteger(count) || count < 0) throw new GeoOptionError('drawMapViews', 'count', count, 'an integer ≥ 0');
  const { land } = loadAtlas();
  const random = mulberry32(deriveSeed(seed, 'map-views'));
  // A coarse grid of the points to avoid, so the held-out check is quick.
  const grid = new Map<string, LatLon[]>();
  const cellOf = (p: LatLon) => `${Math.floor(p.lat / 5)},${Math.floor(p.lon / 5)}`;
  for (const p of avoid) grid.set(cellOf(p), [...(grid.get(cellOf(p)) ?? []), p]);
  const near = (p: LatLon) => {
    if (awayKm <= 0) return false;
    const ci = Math.floor(p.lat / 5);
    const cj = Math.floor(p.lon / 5);
    for (let di = -1; di <= 1; di++) for (let dj = -2; dj <= 2; dj++) for (const q of grid.get(`${ci + di},${(((cj + dj + 36) % 72) + 72) % 72 - 36}`) ?? []) if (greatCircleKm(p, q) < awayKm) return true;
    return false;
  };
  const out: MapView[] = [];
  while (out.length < count) {
    const lon = random() * 360 - 180;
    const lat = (Math.asin(2 * random() - 1) * 180) / Math.PI;
    const spanKm = s.minSpanKm + random() * (s.maxSpanKm - s.minSpanKm);
    const rotationDeg = (2 * random() - 1) * s.maxRotationDeg;
    if (!geoContains(land, [lon, lat]) || near({ lat, lon })) continue;
    out.push({ lat, lon, spanKm, rotationDeg });
  }
  return out;
}

/** The SVG of one view (see MapViewSettings). */
export function mapViewSvg(view: MapView, size: number): string {
  const { land, borders } = loadAtlas();
  // Azimuthal equidistant: scale = pixels per radian of arc; the view is spanKm across.
  const scale = size / (view.spanKm / EARTH_RADIUS_KM);
  const projection = geoAzimuthalEquidistant()
    .rotate([-view.lon, -view.lat, view.rotationDeg])
    .scale(scale)
    .translate([size / 2, size / 2])
    .clipAngle(90)
    .clipExtent([
      [-2, -2],
      [size + 2, size + 2],
    ])
    .precision(0.5);
  const p = geoPath(projection);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" fill="#2b5d8c"/><path d="${p(land) ?? ''}" fill="#d9c89a"/><path d="${p(borders) ?? ''}" fill="none" stroke="#5a4a2a" stroke-width="${Math.max(0.6, size / 96).toFixed(2)}"/></svg>`;
}

/** Renders views to RGB bytes `[n, size, size, 3]` (sharp rasterises each SVG). */
export async function renderMapViews(views: readonly MapView[], size: number): Promise<Uint8Array> {
  const out = new Uint8Array(views.length * size * size * 3);
  for (let i = 0; i < views.length; i++) {
    const image = await rasterizeSvg(mapViewSvg(views[i]!, size));
    if (image.width !== size || image.height !== size) throw new Error(`renderMapViews: view ${i} rendered at ${image.width}×${image.height}, expected ${size}×${size}`);
    out.set(image.data, i * size * size * 3);
  }
  return out;
}
