import { mulberry32 } from '@mobilenet-kit/core';
import type { GeoCell } from './cells';
import { greatCircleKm, type LatLon } from './distance';
import { GeoOptionError } from './errors';

/** The Im2GPS scales (Hays & Efros 2008; PlaNet's Table 1): street, city, region, country, continent. */
export const IM2GPS_SCALES_KM = Object.freeze([1, 25, 200, 750, 2500] as const);

export type ScaleKey = '1' | '25' | '200' | '750' | '2500';

export interface GeoScores {
  readonly photos: number;
  /** Share of photos whose estimate lies within each distance (km) of the truth. */
  readonly withinKm: Readonly<Record<ScaleKey, number>>;
  readonly medianKm: number;
}

export interface GeoEvaluation extends GeoScores {
  readonly baselines: {
    /** Always the centre of the cell with the most training photos. */
    readonly mostPopulous: GeoScores & { readonly token: string };
    /** A cell drawn uniformly at random per photo (seeded), its centre. */
    readonly uniformRandom: GeoScores & { readonly seed: number };
  };
}

function median(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Shares within the Im2GPS scales and the median of a list of errors in km. */
export function scoreDistances(distancesKm: ArrayLike<number>): GeoScores {
  const d = Float64Array.from(distancesKm);
  const withinKm = Object.fromEntries(IM2GPS_SCALES_KM.map((s) => [String(s), d.length ? d.filter((x) => x <= s).length / d.length : Number.NaN])) as Record<ScaleKey, number>;
  return { photos: d.length, withinKm, medianKm: median(d) };
}

/**
 * The Im2GPS protocol: great-circle error of each estimate, shares within
 * 1 / 25 / 200 / 750 / 2 500 km and the median, next to two baselines on the
 * same photos: always the most populous cell's centre, and a uniformly
 * random cell's centre (drawn with `seed`).
 */
export function evaluateGeolocation(estimates: readonly LatLon[], truth: readonly LatLon[], cells: readonly GeoCell[], seed = 1): GeoEvaluation {
  if (estimates.length !== truth.length) throw new GeoOptionError('evaluateGeolocation', 'estimates', `${estimates.length} estimates`, `one per true location (${truth.length})`);
  if (cells.length === 0) throw new GeoOptionError('evaluateGeolocation', 'cells', cells, 'at least one cell');
  const model = scoreDistances(estimates.map((e, i) => greatCircleKm(e, truth[i]!)));
  let top = 0;
  cells.forEach((c, i) => {
    if (c.count > cells[top]!.count) top = i;
  });
  const popular = cells[top]!;
  const random = mulberry32(seed);
  return {
    ...model,
    baselines: {
      mostPopulous: { token: popular.token, ...scoreDistances(truth.map((t) => greatCircleKm(popular, t))) },
      uniformRandom: { seed, ...scoreDistances(truth.map((t) => greatCircleKm(cells[Math.floor(random() * cells.length)]!, t))) },
    },
  };
}
