/** A point on the Earth in degrees: latitude −90..90, longitude −180..180. */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** The mean Earth radius (IUGG R1), km. */
export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

/** Great-circle distance in km on a sphere of EARTH_RADIUS_KM (Vincenty's atan2 form: accurate for short and antipodal distances alike). */
export function greatCircleKm(a: LatLon, b: LatLon): number {
  const p1 = a.lat * RAD;
  const p2 = b.lat * RAD;
  const dl = (b.lon - a.lon) * RAD;
  const y = Math.hypot(Math.cos(p2) * Math.sin(dl), Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl));
  const x = Math.sin(p1) * Math.sin(p2) + Math.cos(p1) * Math.cos(p2) * Math.cos(dl);
  return EARTH_RADIUS_KM * Math.atan2(y, x);
}

/** The unit vector of a point (x towards 0°N 0°E, z towards the north pole). */
export function toUnitVector(p: LatLon): [number, number, number] {
  const cl = Math.cos(p.lat * RAD);
  return [cl * Math.cos(p.lon * RAD), cl * Math.sin(p.lon * RAD), Math.sin(p.lat * RAD)];
}

/** The point of a (not necessarily unit) vector; the zero vector gives 0°N 0°E. */
export function fromVector([x, y, z]: readonly [number, number, number]): LatLon {
  const n = Math.hypot(x, y, z);
  if (n === 0) return { lat: 0, lon: 0 };
  return { lat: Math.asin(Math.max(-1, Math.min(1, z / n))) / RAD, lon: Math.atan2(y, x) / RAD };
}

/**
 * The weighted spherical mean of points (weights ≥ 0): the normalized sum of
 * their unit vectors. Where the weights cancel out (antipodal points of equal
 * weight) the most heavily weighted point is returned.
 */
export function weightedMeanPoint(points: readonly LatLon[], weights: ArrayLike<number>): LatLon {
  let x = 0;
  let y = 0;
  let z = 0;
  let best = 0;
  for (let i = 0; i < points.length; i++) {
    const w = weights[i]!;
    const v = toUnitVector(points[i]!);
    x += w * v[0];
    y += w * v[1];
    z += w * v[2];
    if (w > weights[best]!) best = i;
  }
  if (Math.hypot(x, y, z) < 1e-9) return points[best]!;
  return fromVector([x, y, z]);
}

/** Checks a latitude/longitude pair: finite, latitude in [−90, 90], longitude in [−180, 180]; the problem in words, or undefined. */
export function coordinateProblem(lat: number, lon: number): string | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return `coordinates (${lat}, ${lon}) are not finite numbers`;
  if (lat < -90 || lat > 90) return `latitude ${lat} is outside −90..90`;
  if (lon < -180 || lon > 180) return `longitude ${lon} is outside −180..180`;
  return undefined;
}
