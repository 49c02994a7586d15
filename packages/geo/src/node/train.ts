import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { initializeWeights, mobilenetV1, type MobileNetV1Variant } from '@mobilenet-kit/backbone';
import type { ImageDataset, PixelImage } from '@mobilenet-kit/classification';
import { type EpochResult, type BatchProgress, loadCheckpoint, recoverCheckpointDir, trainClassifier, type TrainConfig } from '@mobilenet-kit/classification/training';
import { writeFileAtomic } from '@mobilenet-kit/core/node';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { buildPartition, CellLookup, type GeoCell, neighbourTargets, type PartitionOptions, type PartitionSettings } from '../cells';
import { greatCircleKm, type LatLon } from '../distance';
import { GeoOptionError } from '../errors';
import { createGeolocator, geolocationFrom } from '../geolocate';
import { CELLS_FILE, geoHead } from '../head';
import { evaluateGeolocation, type GeoEvaluation } from '../metrics';
import { readCellTable, saveGeoModel, writeCellTable } from './model-folder';
import { renderScaleCurves, type ScaleCurvePoint } from './scale-curves';

/** Images of one size (`count · size² · 3` RGB bytes) with the location of each. */
export interface GeoImageSet {
  readonly size: number;
  readonly pixels: Uint8Array;
  readonly locations: readonly LatLon[];
}

export interface GeoModelSettings {
  readonly alpha?: number;
  readonly resolution?: number;
  readonly variant?: MobileNetV1Variant;
  readonly dropout?: number;
}

export interface GeoEpochResult extends EpochResult {
  /** Im2GPS scores of the validation set with this epoch's weights (absent without a validation set). */
  readonly geo?: GeoEvaluation;
}

export interface TrainGeoOptions {
  readonly train: GeoImageSet;
  /** Held-out images scored at the Im2GPS scales after every epoch (and used as the classifier's validation set). */
  readonly validation?: GeoImageSet;
  readonly partition?: PartitionOptions;
  readonly model?: GeoModelSettings;
  readonly tf: typeof tfc;
  readonly tfl: typeof tflayers;
  /** The tfjs backend to train on ('wasm' or 'cpu'). */
  readonly tfBackend: string;
  /** The registered backend (core's registry) the per-epoch evaluation runs on; default the same name as tfBackend. */
  readonly backend?: string;
  readonly config?: Partial<TrainConfig>;
  /** Label smoothing over neighbouring cells: the true cell keeps 1 − ε, its edge neighbours share ε. 0 (default): off. */
  readonly neighbourSmoothing?: number;
  /** Output folder: cells.json, checkpoint/, scales.json, scales.png (rewritten every epoch), model/ at the end. */
  readonly outDir: string;
  readonly resume?: boolean;
  readonly onBatch?: (p: BatchProgress) => void;
  readonly onEpoch?: (r: GeoEpochResult) => void | Promise<void>;
  readonly onStart?: (info: { startEpoch: number; resumed: boolean; partition: PartitionSettings; cells: readonly GeoCell[]; dropped: number; trainPhotos: number }) => void;
  readonly workers?: Parameters<typeof trainClassifier>[0]['workers'];
}

export interface TrainGeoResult {
  readonly modelDir: string;
  readonly cells: readonly GeoCell[];
  readonly partition: PartitionSettings;
  /** Training photos whose cell was dropped (fewer than minPhotos), left out of training. */
  readonly dropped: number;
  readonly history: readonly GeoEpochResult[];
  readonly final?: GeoEvaluation;
}

function checkSet(set: GeoImageSet, what: string): void {
  const n = set.locations.length;
  if (set.pixels.length !== n * set.size * set.size * 3) throw new GeoOptionError('trainGeo', `${what}.pixels`, `${set.pixels.length} bytes`, `${n} images of ${set.size}²·3 bytes`);
}

/** The nearest kept cell of a point (for held-out photos outside every kept cell). */
function nearestCell(p: LatLon, cells: readonly GeoCell[]): number {
  let best = 0;
  let bestKm = Number.POSITIVE_INFINITY;
  cells.forEach((c, i) => {
    const d = greatCircleKm(p, c);
    if (d < bestKm) {
      bestKm = d;
      best = i;
    }
  });
  return best;
}

const imageAt = (set: GeoImageSet, i: number): PixelImage => ({ width: set.size, height: set.size, channels: 3, data: set.pixels.subarray(i * set.size * set.size * 3, (i + 1) * set.size * set.size * 3) });

/**
 * PlaNet training: the adaptive S2 partition of the training locations,
 * MobileNet v1 + softmax over the kept cells (geoHead), trained by the
 * classification package's loop (trainClassifier: the paper's recipe,
 * checkpoints, resume, data-parallel shards). After every epoch the
 * validation photos are geolocated with the checkpoint's weights and scored
 * at the Im2GPS scales; the curve is drawn to scales.png. The model folder
 * (with cells.json) is written to `<outDir>/model`.
 */
export async function trainGeo(options: TrainGeoOptions): Promise<TrainGeoResult> {
  const { train, validation } = options;
  checkSet(train, 'train');
  if (validation) checkSet(validation, 'validation');
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const checkpointDir = path.join(outDir, 'checkpoint');
  const cellsFile = path.join(outDir, CELLS_FILE);
  const resuming = options.resume === true && (await recoverCheckpointDir(checkpointDir));

  let cells: readonly GeoCell[];
  let settings: PartitionSettings;
  let assignment: Int32Array;
  let dropped: number;
  if (resuming) {
    const table = await readCellTable(cellsFile);
    cells = table.cells;
    settings = table.partition;
    const lookup = new CellLookup(cells);
    assignment = Int32Array.from(train.locations, (p) => lookup.indexOf(p));
    dropped = assignment.filter((a) => a < 0).length;
  } else {
    const partition = buildPartition(train.locations, options.partition);
    ({ cells, settings, assignment, dropped } = { cells: partition.cells, settings: partition.settings, assignment: partition.assignment, dropped: partition.dropped });
    await writeCellTable(cellsFile, cells, settings);
  }
  if (cells.length < 2) throw new GeoOptionError('trainGeo', 'partition', `${cells.length} cell`, 'at least 2 cells (lower maxPhotos / minPhotos, or give more photos)');

  const kept = Array.from(assignment.keys()).filter((i) => assignment[i]! >= 0);
  const size = train.size * train.size * 3;
  const toDataset = (set: GeoImageSet, indices: readonly number[], label: (i: number) => number): ImageDataset => {
    const pixels = new Uint8Array(indices.length * size);
    indices.forEach((j, k) => pixels.set(set.pixels.subarray(j * size, (j + 1) * size), k * size));
    return { count: indices.length, height: set.size, width: set.size, channels: 3, pixels, labels: Int32Array.from(indices, label), classNames: cells.map((c) => c.token) };
  };
  const trainSet = toDataset(train, kept, (j) => assignment[j]!);
  const lookup = new CellLookup(cells);
  const valSet = validation
    ? toDataset(
        validation,
        validation.locations.map((_, i) => i),
        (j) => {
          const c = lookup.indexOf(validation.locations[j]!);
          return c >= 0 ? c : nearestCell(validation.locations[j]!, cells);
        },
      )
    : undefined;

  const m = options.model ?? {};
  const resolution = m.resolution ?? 224;
  const seed = options.config?.seed ?? 1;
  const backbone = mobilenetV1({ alpha: m.alpha ?? 1, resolution, includeTop: false, variant: m.variant ?? 'standard' });
  const head = geoHead(backbone, cells, settings, { dropout: m.dropout ?? 1e-3 });
  const smoothing = options.neighbourSmoothing ?? 0;
  const softTargets = smoothing > 0 ? neighbourTargets(lookup.neighbours(), smoothing) : undefined;
  const scalesFile = path.join(outDir, 'scales.json');
  let curve: ScaleCurvePoint[] = resuming ? await readFile(scalesFile, 'utf8').then((t) => JSON.parse(t) as ScaleCurvePoint[], () => []) : [];
  const history: GeoEpochResult[] = [];

  const scoreValidation = async (graphAndWeights: { graph: import('@mobilenet-kit/core').Graph; weights: import('@mobilenet-kit/core').Weights; metadata: Record<string, unknown> }): Promise<GeoEvaluation | undefined> => {
    if (!validation) return undefined;
    const geolocator = await createGeolocator(graphAndWeights.graph, graphAndWeights.weights, graphAndWeights.metadata, cells, { backend: options.backend ?? options.tfBackend });
    try {
      const n = validation.locations.length;
      const images = Array.from({ length: n }, (_, i) => imageAt(validation, i));
      const { classProbabilities } = await import('@mobilenet-kit/classification');
      const probs = await classProbabilities(geolocator.classifier, images, 64);
      const estimates = images.map((_, i) => geolocationFrom(probs.data.subarray(i * cells.length, (i + 1) * cells.length), cells, { topK: 1 }).estimate);
      return evaluateGeolocation(estimates, validation.locations, cells, seed);
    } finally {
      geolocator.dispose();
    }
  };

  const result = await trainClassifier({
    graph: head.graph,
    weights: initializeWeights(head.graph, { seed }),
    metadata: head.metadata as unknown as Record<string, unknown>,
    train: trainSet,
    ...(valSet ? { validation: valSet } : {}),
    tf: options.tf,
    tfl: options.tfl,
    tfBackend: options.tfBackend,
    config: { ...options.config, ...(valSet ? { validationFraction: 0 } : {}) },
    checkpointDir,
    resume: options.resume === true,
    ...(softTargets ? { softTargets } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    onStart: (info) => options.onStart?.({ startEpoch: info.startEpoch, resumed: info.resumed, partition: settings, cells, dropped, trainPhotos: trainSet.count }),
    onEpoch: async (r) => {
      let geo: GeoEvaluation | undefined;
      if (validation) {
        const checkpoint = await loadCheckpoint(checkpointDir);
        geo = await scoreValidation({ graph: checkpoint.graph, weights: checkpoint.weights, metadata: checkpoint.metadata ?? {} });
        curve = [...curve.filter((c) => c.epoch < r.epoch), { epoch: r.epoch, scores: geo!, baselines: { mostPopulous: geo!.baselines.mostPopulous, uniformRandom: geo!.baselines.uniformRandom } }];
        await writeFileAtomic(scalesFile, JSON.stringify(curve));
        await writeFile(path.join(outDir, 'scales.png'), await renderScaleCurves(curve));
      }
      const out: GeoEpochResult = { ...r, ...(geo ? { geo } : {}) };
      history.push(out);
      await options.onEpoch?.(out);
    },
  });
  const modelDir = path.join(outDir, 'model');
  const metadata = { ...(result.metadata as unknown as Record<string, unknown>), training: { ...result.config, neighbourSmoothing: smoothing, trainPhotos: trainSet.count, droppedPhotos: dropped } };
  await saveGeoModel(modelDir, { graph: result.graph, weights: result.weights, metadata, cells, partition: settings });
  return { modelDir, cells, partition: settings, dropped, history, ...(history.at(-1)?.geo ? { final: history.at(-1)!.geo } : {}) };
}
