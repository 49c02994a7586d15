import { type ClassifierGraph, type ClassifierHeadOptions, classifierHead } from '@mobilenet-kit/classification';
import type { Graph } from '@mobilenet-kit/core';
import type { GeoCell, PartitionSettings } from './cells';
import { GeoOptionError } from './errors';

/** The file in a geo model folder that holds the cell table (token, level, centre, photo count), in the classes' order. */
export const CELLS_FILE = 'cells.json';
export const CELLS_FORMAT = 'mobilenet-kit/geo-cells@1';

/** What a geo model's metadata holds beside the classifier's (labels = the cells' tokens). */
export interface GeoMetadata {
  readonly cellsFile: string;
  readonly cells: number;
  readonly partition: PartitionSettings;
}

/** The cell table as stored in CELLS_FILE. */
export interface CellTable {
  readonly format: typeof CELLS_FORMAT;
  readonly partition: PartitionSettings;
  readonly cells: readonly GeoCell[];
}

export interface GeoGraph extends ClassifierGraph {
  readonly cells: readonly GeoCell[];
  readonly partition: PartitionSettings;
}

/**
 * PlaNet's head on a backbone: classifierHead with one class per geo-cell
 * (labels are the cells' S2 tokens), softmax over the cells. The metadata is
 * the classifier's with a `geo` entry naming the cell table.
 */
export function geoHead(backbone: Graph, cells: readonly GeoCell[], partition: PartitionSettings, options: Omit<ClassifierHeadOptions, 'classes' | 'labels'> = {}): GeoGraph {
  if (cells.length < 1) throw new GeoOptionError('geoHead', 'cells', `${cells.length} cells`, 'at least one cell (lower minPhotos, or give more photos)');
  const head = classifierHead(backbone, { ...options, classes: cells.length, labels: cells.map((c) => c.token) });
  const geo: GeoMetadata = { cellsFile: CELLS_FILE, cells: cells.length, partition };
  return { ...head, metadata: { ...head.metadata, geo } as typeof head.metadata, cells, partition };
}

/** Reads a cell table (parsed JSON) and checks it against the model's labels; `where` names the file. */
export function cellTableFrom(json: unknown, labels: readonly string[] | undefined, where: string): CellTable {
  const t = json as Partial<CellTable> | undefined;
  if (!t || t.format !== CELLS_FORMAT || !Array.isArray(t.cells)) throw new GeoOptionError(where, 'format', t?.format, `a cell table (format "${CELLS_FORMAT}", cells: [...])`);
  t.cells.forEach((c, i) => {
    if (!c || typeof c.token !== 'string' || !Number.isFinite(c.lat) || !Number.isFinite(c.lon) || !Number.isInteger(c.count)) throw new GeoOptionError(where, `cells[${i}]`, c, '{ token, level, lat, lon, count }');
  });
  if (labels && (labels.length !== t.cells.length || labels.some((l, i) => l !== t.cells![i]!.token))) {
    throw new GeoOptionError(where, 'cells', `${t.cells.length} cells`, `the model's ${labels.length} labels (cell tokens) in the same order`);
  }
  return t as CellTable;
}
