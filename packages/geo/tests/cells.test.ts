import { mulberry32 } from '@mobilenet-kit/core';
import { buildPartition, CellLookup, cellPolygon, cellTokenAt, neighbourTargets, partitionDefaults } from '@mobilenet-kit/geo';
import { s2 } from 's2js';
import { describe, expect, it } from 'vitest';

const { cellid, LatLng } = s2;

/** Clustered points (a few dense cities and a uniform sprinkle), seeded. */
function points(n: number, seed: number) {
  const random = mulberry32(seed);
  const cities = [
    { lat: 48.8566, lon: 2.3522 },
    { lat: 40.7128, lon: -74.006 },
    { lat: -33.8688, lon: 151.2093 },
    { lat: 35.6762, lon: 139.6503 },
  ];
  return Array.from({ length: n }, () => {
    if (random() < 0.7) {
      const c = cities[Math.floor(random() * cities.length)]!;
      return { lat: c.lat + (random() - 0.5) * 2, lon: c.lon + (random() - 0.5) * 2 };
    }
    return { lat: (Math.asin(2 * random() - 1) * 180) / Math.PI, lon: random() * 360 - 180 };
  });
}

describe('buildPartition', () => {
  const pts = points(3000, 7);
  const maxPhotos = 100;
  const minPhotos = 10;
  const partition = buildPartition(pts, { maxPhotos, minPhotos });
  const ids = partition.cells.map((c) => cellid.fromToken(c.token));

  it('puts every kept photo in exactly one kept cell (checked with s2js containment), the rest in dropped cells', () => {
    let dropped = 0;
    pts.forEach((p, i) => {
      const leaf = cellid.fromLatLng(LatLng.fromDegrees(p.lat, p.lon));
      const holding = ids.map((id, k) => (cellid.contains(id, leaf) ? k : -1)).filter((k) => k >= 0);
      expect(holding.length).toBeLessThanOrEqual(1);
      expect(partition.assignment[i]).toBe(holding[0] ?? -1);
      if (holding.length === 0) dropped++;
    });
    expect(dropped).toBe(partition.dropped);
    expect(partition.cells.reduce((n, c) => n + c.count, 0) + partition.dropped).toBe(pts.length);
  });

  it('honours the split and drop thresholds', () => {
    for (const c of partition.cells) {
      expect(c.count).toBeGreaterThanOrEqual(minPhotos);
      expect(c.count).toBeLessThanOrEqual(maxPhotos);
      // A cell below the faces exists only because its parent held more than maxPhotos.
      if (c.level > 0) {
        const parent = cellid.parent(cellid.fromToken(c.token), c.level - 1);
        const inParent = pts.filter((p) => cellid.contains(parent, cellid.fromLatLng(LatLng.fromDegrees(p.lat, p.lon)))).length;
        expect(inParent).toBeGreaterThan(maxPhotos);
      }
    }
    // Dense cities split deeper than the sprinkle.
    expect(Math.max(...partition.cells.map((c) => c.level))).toBeGreaterThan(Math.min(...partition.cells.map((c) => c.level)));
  });

  it('keeps cells above maxPhotos only at maxLevel', () => {
    const same = Array.from({ length: 50 }, () => ({ lat: 10, lon: 20 }));
    const p = buildPartition(same, { maxPhotos: 10, minPhotos: 1, maxLevel: 12 });
    expect(p.cells).toHaveLength(1);
    expect(p.cells[0]!.level).toBe(12);
    expect(p.cells[0]!.count).toBe(50);
  });

  it("names cells by s2js's own tokens for known points", () => {
    const paris = { lat: 48.8566, lon: 2.3522 };
    const k = new CellLookup(partition.cells).indexOf(paris);
    const cell = partition.cells[k]!;
    expect(cell.token).toBe(cellid.toToken(cellid.parent(cellid.fromLatLng(LatLng.fromDegrees(paris.lat, paris.lon)), cell.level)));
    expect(cellTokenAt(paris, cell.level)).toBe(cell.token);
    // The level-0 face of 0°N 0°E is face 0 (token "1"), the north pole's face 2 (token "5").
    expect(cellTokenAt({ lat: 0, lon: 0 }, 0)).toBe('1');
    expect(cellTokenAt({ lat: 90, lon: 0 }, 0)).toBe('5');
  });

  it('reports defaults scaled to the dataset, and PlaNet values at PlaNet size', () => {
    expect(buildPartition(pts).settings).toMatchObject({ maxPhotos: 219, minPhotos: 27 });
    expect(partitionDefaults(126_000_000)).toMatchObject({ maxPhotos: 10_000, minPhotos: 50 });
  });

  it('refuses out-of-range points, naming the index', () => {
    expect(() => buildPartition([{ lat: 91, lon: 0 }])).toThrow(/points\[0\].*latitude 91/);
  });

  it('gives symmetric edge neighbours and smoothing targets that sum to 1', () => {
    const lookup = new CellLookup(partition.cells);
    const ns = lookup.neighbours();
    ns.forEach((list, i) => {
      for (const j of list) expect(ns[j]).toContain(i);
    });
    expect(ns.some((l) => l.length > 0)).toBe(true);
    const targets = neighbourTargets(ns, 0.2)(Int32Array.from([0, 1, 2]));
    for (let r = 0; r < 3; r++) expect(targets.subarray(r * ns.length, (r + 1) * ns.length).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('gives each cell a closed polygon of its four vertices that holds its centre', () => {
    const c = partition.cells[0]!;
    const ring = cellPolygon(c.token);
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    const lats = ring.map((v) => v[1]);
    expect(Math.min(...lats)).toBeLessThanOrEqual(c.lat);
    expect(Math.max(...lats)).toBeGreaterThanOrEqual(c.lat);
  });
});
