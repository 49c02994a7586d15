import { s2 } from 's2js';
import { type LatLon, coordinateProblem } from './distance';
import { GeoOptionError } from './errors';

const { cellid, Cell, LatLng } = s2;
const DEG = 180 / Math.PI;

/** One geo-cell of a partition: its S2 token, level, centre and the number of training photos in it. */
export interface GeoCell {
  readonly token: string;
  readonly level: number;
  readonly lat: number;
  readonly lon: number;
  readonly count: number;
}

export interface PartitionOptions {
  /** A cell holding more photos than this is split into its four children (PlaNet: 10 000 of 126 M). Default: scaled to the dataset (partitionDefaults). */
  readonly maxPhotos?: number;
  /** A cell left with fewer photos than this is dropped (PlaNet: 50). Default: scaled to the dataset. */
  readonly minPhotos?: number;
  /** The level the partition starts from (0: the six cube faces, as PlaNet). Default 0. */
  readonly startLevel?: number;
  /** Cells are never split below this level, however many photos they hold. Default 20 (≈ 10 m cells). */
  readonly maxLevel?: number;
}

/** The settings a partition was made with (stored in the model folder and reported). */
export interface PartitionSettings {
  readonly maxPhotos: number;
  readonly minPhotos: number;
  readonly startLevel: number;
  readonly maxLevel: number;
  /** How maxPhotos / minPhotos were chosen: 'given' or the scaling rule. */
  readonly rule: string;
}

export interface Partition {
  readonly settings: PartitionSettings;
  /** The kept cells, in S2 cell-id order (disjoint: a point lies in at most one). */
  readonly cells: readonly GeoCell[];
  /** For each input point, the index of its kept cell, or −1 when its cell was dropped. */
  readonly assignment: Int32Array;
  /** Points whose cell held fewer than minPhotos (left out of training). */
  readonly dropped: number;
}

/**
 * PlaNet's thresholds scaled to a dataset of `n` photos: PlaNet split cells
 * above 10 000 and dropped cells below 50 of 126 M photos; at small n that
 * would give one cell, so maxPhotos = clamp(round(4·√n), 10, 10 000) and
 * minPhotos = clamp(round(maxPhotos / 8), 1, 50). At PlaNet's size this
 * gives PlaNet's values.
 */
export function partitionDefaults(n: number): { maxPhotos: number; minPhotos: number; rule: string } {
  const maxPhotos = Math.min(10_000, Math.max(10, Math.round(4 * Math.sqrt(n))));
  const minPhotos = Math.min(50, Math.max(1, Math.round(maxPhotos / 8)));
  return { maxPhotos, minPhotos, rule: `scaled to ${n} photos: maxPhotos = clamp(round(4·√n), 10, 10000), minPhotos = clamp(round(maxPhotos/8), 1, 50)` };
}

/** The S2 leaf cell id of a point. */
export function leafCellId(p: LatLon): bigint {
  return cellid.fromLatLng(LatLng.fromDegrees(p.lat, p.lon));
}

/** The S2 token of the cell at `level` that holds a point (s2js's own cell). */
export function cellTokenAt(p: LatLon, level: number): string {
  return cellid.toToken(cellid.parent(leafCellId(p), level));
}

/** The centre of an S2 cell given by its token. */
export function cellCenter(token: string): LatLon {
  const ll = cellid.latLng(checkedId(token));
  return { lat: ll.lat * DEG, lon: ll.lng * DEG };
}

/**
 * The cell's boundary as a closed ring of [lon, lat] pairs, clockwise as
 * d3-geo wants a spherical polygon (S2 lists its vertices counter-clockwise);
 * the edges are great-circle arcs, as S2 cell edges are.
 */
export function cellPolygon(token: string): [number, number][] {
  const cell = Cell.fromCellID(checkedId(token));
  const ring: [number, number][] = [];
  for (let k = 3; k >= 0; k--) {
    const v = cell.vertex(k);
    ring.push([LatLng.longitude(v) * DEG, LatLng.latitude(v) * DEG]);
  }
  ring.push(ring[0]!);
  return ring;
}

function checkedId(token: string): bigint {
  const id = typeof token === 'string' && /^[0-9a-f]{1,16}$/.test(token) ? cellid.fromToken(token) : 0n;
  if (!cellid.valid(id)) throw new GeoOptionError('geo cells', 'token', token, 'an S2 cell token (hex, as s2js.cellid.toToken writes it)');
  return id;
}

/** First index i in sorted `ids` with ids[i] ≥ v. */
function lowerBound(ids: BigUint64Array | bigint[], v: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * PlaNet's adaptive partition: starting from the cells of `startLevel` (the
 * six faces), every cell with more than maxPhotos points is split into its
 * four S2 children, recursively (down to maxLevel); then every cell with
 * fewer than minPhotos points is dropped. Cells are S2 cells of s2js; each
 * kept point lies in exactly one kept cell.
 */
export function buildPartition(points: readonly LatLon[], options: PartitionOptions = {}): Partition {
  const where = 'buildPartition';
  points.forEach((p, i) => {
    const problem = coordinateProblem(p.lat, p.lon);
    if (problem) throw new GeoOptionError(where, `points[${i}]`, p, problem);
  });
  const defaults = partitionDefaults(points.length);
  const given = options.maxPhotos !== undefined || options.minPhotos !== undefined;
  const maxPhotos = options.maxPhotos ?? defaults.maxPhotos;
  const minPhotos = options.minPhotos ?? (options.maxPhotos !== undefined ? Math.min(50, Math.max(1, Math.round(maxPhotos / 8))) : defaults.minPhotos);
  const startLevel = options.startLevel ?? 0;
  const maxLevel = options.maxLevel ?? 20;
  if (!Number.isInteger(maxPhotos) || maxPhotos < 1) throw new GeoOptionError(where, 'maxPhotos', maxPhotos, 'an integer ≥ 1');
  if (!Number.isInteger(minPhotos) || minPhotos < 1 || minPhotos > maxPhotos) throw new GeoOptionError(where, 'minPhotos', minPhotos, `an integer in 1..maxPhotos (${maxPhotos})`);
  if (!Number.isInteger(startLevel) || startLevel < 0 || startLevel > 30) throw new GeoOptionError(where, 'startLevel', startLevel, 'an integer in 0..30');
  if (!Number.isInteger(maxLevel) || maxLevel < startLevel || maxLevel > 30) throw new GeoOptionError(where, 'maxLevel', maxLevel, `an integer in startLevel (${startLevel})..30`);

  const leaves = points.map(leafCellId);
  const order = Array.from(leaves.keys()).sort((a, b) => (leaves[a]! < leaves[b]! ? -1 : leaves[a]! > leaves[b]! ? 1 : 0));
  const sorted = new BigUint64Array(order.map((i) => leaves[i]!));
  const countIn = (id: bigint) => lowerBound(sorted, cellid.rangeMax(id) + 1n) - lowerBound(sorted, cellid.rangeMin(id));

  const kept: bigint[] = [];
  let dropped = 0;
  const visit = (id: bigint) => {
    const n = countIn(id);
    if (n === 0) return;
    if (n > maxPhotos && cellid.level(id) < maxLevel) {
      for (const child of cellid.children(id)) visit(child);
      return;
    }
    if (n < minPhotos) dropped += n;
    else kept.push(id);
  };
  const starts = new Set<bigint>();
  for (const id of sorted) starts.add(cellid.parent(id, startLevel));
  for (const id of [...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) visit(id);

  const cells = kept.map((id): GeoCell => {
    const ll = cellid.latLng(id);
    return { token: cellid.toToken(id), level: cellid.level(id), lat: ll.lat * DEG, lon: ll.lng * DEG, count: countIn(id) };
  });
  const index = new CellLookup(cells);
  const assignment = Int32Array.from(leaves, (leaf) => index.indexOfLeaf(leaf));
  return { settings: { maxPhotos, minPhotos, startLevel, maxLevel, rule: given ? 'given' : defaults.rule }, cells, assignment, dropped };
}

/** Finds the kept cell of a point among disjoint S2 cells (binary search over their id ranges). */
export class CellLookup {
  private readonly mins: bigint[];
  private readonly maxs: bigint[];
  private readonly ids: bigint[];
  constructor(readonly cells: readonly GeoCell[]) {
    this.ids = cells.map((c) => checkedId(c.token));
    const order = Array.from(this.ids.keys()).sort((a, b) => (this.ids[a]! < this.ids[b]! ? -1 : 1));
    this.order = Int32Array.from(order);
    this.mins = order.map((i) => cellid.rangeMin(this.ids[i]!));
    this.maxs = order.map((i) => cellid.rangeMax(this.ids[i]!));
    for (let k = 1; k < order.length; k++) {
      if (this.mins[k]! <= this.maxs[k - 1]!) throw new GeoOptionError('geo cells', 'cells', `${cells[order[k - 1]!]!.token} and ${cells[order[k]!]!.token}`, 'disjoint S2 cells (one holds the other)');
    }
  }
  private readonly order: Int32Array;
  /** The index (into `cells`) of the cell holding a leaf cell id, or −1. */
  indexOfLeaf(leaf: bigint): number {
    const k = lowerBound(this.mins, leaf + 1n) - 1;
    return k >= 0 && leaf <= this.maxs[k]! ? this.order[k]! : -1;
  }
  /** The index of the cell holding a point, or −1 (outside every kept cell). */
  indexOf(p: LatLon): number {
    return this.indexOfLeaf(leafCellId(p));
  }
  /** Indices of the kept cells that intersect the S2 cell `id` (any level). */
  intersecting(id: bigint): number[] {
    const lo = cellid.rangeMin(id);
    const hi = cellid.rangeMax(id);
    const out: number[] = [];
    for (let k = Math.max(0, lowerBound(this.mins, lo + 1n) - 1); k < this.mins.length && this.mins[k]! <= hi; k++) if (this.maxs[k]! >= lo) out.push(this.order[k]!);
    return out;
  }
  /**
   * Each cell's neighbours: the kept cells that share an edge with it,
   * itself excluded. Seen from the smaller of two cells (the deeper level),
   * one of its four S2 edge neighbours at its level lies inside the other.
   */
  neighbours(): number[][] {
    const raw = this.cells.map((_, i) => {
      const set = new Set<number>();
      for (const n of cellid.edgeNeighbors(this.ids[i]!)) for (const j of this.intersecting(n)) if (j !== i) set.add(j);
      return set;
    });
    return this.cells.map((c, i) => [...raw[i]!].filter((j) => this.cells[j]!.level <= c.level || raw[j]!.has(i)).sort((a, b) => a - b));
  }
}

/**
 * Soft targets for label smoothing over neighbouring cells: the true cell
 * keeps 1 − ε, its neighbours share ε equally (a cell without kept
 * neighbours keeps 1). Returns rows of `classes` values for the labels.
 */
export function neighbourTargets(neighbours: readonly (readonly number[])[], epsilon: number): (labels: ArrayLike<number>) => Float32Array {
  if (!(epsilon >= 0 && epsilon < 1)) throw new GeoOptionError('neighbourTargets', 'epsilon', epsilon, 'a number in [0, 1)');
  const classes = neighbours.length;
  return (labels) => {
    const out = new Float32Array(labels.length * classes);
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      const ns = neighbours[l]!;
      if (ns.length === 0 || epsilon === 0) {
        out[i * classes + l] = 1;
        continue;
      }
      out[i * classes + l] = 1 - epsilon;
      for (const j of ns) out[i * classes + j] = epsilon / ns.length;
    }
    return out;
  };
}
