import { type Classifier, type CreateClassifierOptions, classProbabilities, createClassifier, type PixelImage } from '@mobilenet-kit/classification';
import type { Graph, Weights } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import { cellPolygon, type GeoCell } from './cells';
import { type LatLon, weightedMeanPoint } from './distance';
import { GeoOptionError } from './errors';

/** A compiled geo model: the cell classifier and its cell table. */
export interface Geolocator {
  readonly classifier: Classifier;
  readonly cells: readonly GeoCell[];
  dispose(): void;
}

export interface CellPrediction {
  readonly token: string;
  readonly lat: number;
  readonly lon: number;
  readonly probability: number;
  /** The cell's boundary, a closed clockwise ring of [lon, lat]. */
  readonly polygon: [number, number][];
}

export interface Geolocation {
  /** The point estimate: the top cell's centre (PlaNet), or the probability-weighted mean of all cell centres. */
  readonly estimate: LatLon;
  /** The top-k cells, most probable first. */
  readonly cells: readonly CellPrediction[];
}

export interface GeolocateOptions {
  /** Cells returned per image. Default 5 (at most the number of cells). */
  readonly topK?: number;
  /** 'top' (default, PlaNet): the most probable cell's centre; 'weighted': the spherical mean of every cell centre weighted by its probability. */
  readonly estimate?: 'top' | 'weighted';
  readonly batchSize?: number;
}

/** Compiles a geo model (geoHead's graph, or a loaded one) through core's backend registry. */
export async function createGeolocator(graph: Graph, weights: Weights, metadata: Record<string, unknown>, cells: readonly GeoCell[], options: CreateClassifierOptions): Promise<Geolocator> {
  const classifier = await createClassifier(graph, weights, metadata, options);
  if (classifier.labels.length !== cells.length || classifier.labels.some((l, i) => l !== cells[i]!.token)) {
    classifier.dispose();
    throw new GeoOptionError('createGeolocator', 'cells', `${cells.length} cells`, `one per class of the model (${classifier.labels.length}), tokens equal to its labels`);
  }
  return { classifier, cells, dispose: () => classifier.dispose() };
}

/** The point estimate and top-k cells of one row of cell probabilities. */
export function geolocationFrom(probabilities: ArrayLike<number>, cells: readonly GeoCell[], options: GeolocateOptions = {}): Geolocation {
  const k = Math.min(options.topK ?? 5, cells.length);
  const order = Array.from(cells.keys()).sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  const top = order.slice(0, k).map((i) => {
    const c = cells[i]!;
    return { token: c.token, lat: c.lat, lon: c.lon, probability: probabilities[i]!, polygon: cellPolygon(c.token) };
  });
  const best = cells[order[0]!]!;
  const estimate = options.estimate === 'weighted' ? weightedMeanPoint(cells, probabilities) : { lat: best.lat, lon: best.lon };
  return { estimate, cells: top };
}

type GeoInput = RgbImage | PixelImage;

/** Where on Earth: one image → its Geolocation; a list → one per image. */
export async function geolocate(geolocator: Geolocator, images: GeoInput, options?: GeolocateOptions): Promise<Geolocation>;
export async function geolocate(geolocator: Geolocator, images: readonly GeoInput[], options?: GeolocateOptions): Promise<Geolocation[]>;
export async function geolocate(geolocator: Geolocator, images: GeoInput | readonly GeoInput[], options: GeolocateOptions = {}): Promise<Geolocation | Geolocation[]> {
  const topK = options.topK ?? 5;
  if (!Number.isInteger(topK) || topK < 1) throw new GeoOptionError('geolocate', 'topK', topK, 'an integer ≥ 1');
  if (options.estimate !== undefined && options.estimate !== 'top' && options.estimate !== 'weighted') throw new GeoOptionError('geolocate', 'estimate', options.estimate, "'top' or 'weighted'");
  const list = Array.isArray(images) ? (images as readonly GeoInput[]) : [images as GeoInput];
  const probs = await classProbabilities(geolocator.classifier, list, options.batchSize ?? 32);
  const n = geolocator.cells.length;
  const out = list.map((_, i) => geolocationFrom(probs.data.subarray(i * n, (i + 1) * n), geolocator.cells, options));
  return Array.isArray(images) ? out : out[0]!;
}
