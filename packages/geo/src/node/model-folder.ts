import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CreateClassifierOptions } from '@mobilenet-kit/classification';
import type { Graph, Weights } from '@mobilenet-kit/core';
import { loadModel, saveModel, writeFileAtomic } from '@mobilenet-kit/core/node';
import type { GeoCell, PartitionSettings } from '../cells';
import { createGeolocator, type Geolocator } from '../geolocate';
import { CELLS_FILE, CELLS_FORMAT, type CellTable, cellTableFrom } from '../head';

/** Writes a cell table (token, level, centre, photo count per cell, and the partition's settings). */
export async function writeCellTable(file: string, cells: readonly GeoCell[], partition: PartitionSettings): Promise<void> {
  const table: CellTable = { format: CELLS_FORMAT, partition, cells };
  await writeFileAtomic(file, `${JSON.stringify(table, null, 1)}\n`);
}

/** Reads a cell table; `labels` (a model's) must name the same cells in the same order. */
export async function readCellTable(file: string, labels?: readonly string[]): Promise<CellTable> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the cell table: ${(e as Error).message}`);
  }
  return cellTableFrom(json, labels, file);
}

/** A geo model folder: core's model folder (model.json + shards, classifier metadata with the `geo` entry) plus cells.json. */
export async function saveGeoModel(dir: string, model: { graph: Graph; weights: Weights; metadata: Record<string, unknown>; cells: readonly GeoCell[]; partition: PartitionSettings }): Promise<void> {
  await saveModel(dir, model.graph, model.weights, { metadata: model.metadata });
  await writeCellTable(path.join(dir, CELLS_FILE), model.cells, model.partition);
}

/** Loads a geo model folder and compiles it on a backend (by its registered name). */
export async function loadGeoModel(dir: string, options: CreateClassifierOptions): Promise<Geolocator & { partition: PartitionSettings }> {
  const { graph, weights, metadata } = await loadModel(dir);
  const labels = (metadata as { labels?: string[] } | undefined)?.labels;
  const table = await readCellTable(path.join(dir, CELLS_FILE), labels);
  const geolocator = await createGeolocator(graph, weights, metadata ?? {}, table.cells, options);
  return { ...geolocator, partition: table.partition };
}
