// PlaNet's scale on this machine: a 1.0 MobileNet-224 with a softmax over PlaNet's 26 263 cells
// (geoHead is classifierHead with one class per cell): build it, train one step with the kit's
// training loop, predict one photo, and report the resident set at each stage and its peak.
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead, classify, createClassifier, type ImageDataset } from '@mobilenet-kit/classification';
import { trainClassifier } from '@mobilenet-kit/classification/training';
import { graphCost } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** PlaNet's partition of 126 M photos (Weyand et al. 2016): 26 263 cells. */
export const PLANET_CELLS = 26_263;

export interface GeoHeadBenchResult {
  readonly backend: string;
  readonly cells: number;
  readonly alpha: number;
  readonly resolution: number;
  readonly batchSize: number;
  readonly params: number;
  readonly multAdds: number;
  readonly buildMs: number;
  /** One epoch of one batch through trainClassifier: lowering to tfjs-layers, the step, the checkpoint-free result. */
  readonly trainStepMs: number;
  readonly predictMs: number;
  readonly rssMB: { readonly start: number; readonly built: number; readonly trained: number; readonly predicted: number; readonly peak: number };
}

const rssMB = () => process.memoryUsage().rss / 2 ** 20;

export async function benchGeoHead(backend: string, options: { cells?: number; alpha?: number; resolution?: number; batchSize?: number } = {}): Promise<GeoHeadBenchResult> {
  const cells = options.cells ?? PLANET_CELLS;
  const alpha = options.alpha ?? 1;
  const resolution = options.resolution ?? 224;
  const batchSize = options.batchSize ?? 8;
  const start = rssMB();
  let t = performance.now();
  const labels = Array.from({ length: cells }, (_, i) => `cell-${i}`);
  const head = classifierHead(mobilenetV1({ alpha, resolution, includeTop: false }), { classes: cells, labels, dropout: 1e-3 });
  const weights = initializeWeights(head.graph, { seed: 1 });
  const buildMs = performance.now() - t;
  const built = rssMB();
  const cost = graphCost(head.graph).totals;
  const pixels = new Uint8Array(batchSize * resolution * resolution * 3).map((_, i) => (i * 131) % 256);
  const train: ImageDataset = { count: batchSize, height: resolution, width: resolution, channels: 3, pixels, labels: Int32Array.from({ length: batchSize }, (_, i) => (i * 3301) % cells), classNames: labels };
  t = performance.now();
  const result = await trainClassifier({ graph: head.graph, weights, metadata: head.metadata, train, tf, tfl, tfBackend: backend, config: { epochs: 1, batchSize, validationFraction: 0, seed: 1 } });
  const trainStepMs = performance.now() - t;
  const trained = rssMB();
  const classifier = await createClassifier(result.graph, result.weights, result.metadata, { backend });
  try {
    const image = { width: resolution, height: resolution, data: pixels.subarray(0, resolution * resolution * 3) };
    await classify(classifier, image, { topK: 5 }); // warm-up
    t = performance.now();
    await classify(classifier, image, { topK: 5 });
  } finally {
    classifier.dispose();
  }
  const predictMs = performance.now() - t;
  return {
    backend,
    cells,
    alpha,
    resolution,
    batchSize,
    params: cost.params,
    multAdds: cost.multAdds,
    buildMs,
    trainStepMs,
    predictMs,
    rssMB: { start, built, trained, predicted: rssMB(), peak: process.resourceUsage().maxRSS / 1024 },
  };
}

export function formatGeoHeadTable(results: readonly GeoHeadBenchResult[]): string {
  const head = ['backend', 'model', 'kernel params', 'build ms', 'train step ms (batch)', 'predict ms', 'RSS MB start / built / trained / predicted / peak'];
  const rows = results.map((r) => [
    r.backend,
    `${r.alpha} MobileNet-${r.resolution} + ${r.cells} cells`,
    `${(r.params / 1e6).toFixed(1)}M`,
    r.buildMs.toFixed(0),
    `${r.trainStepMs.toFixed(0)} (${r.batchSize})`,
    r.predictMs.toFixed(0),
    [r.rssMB.start, r.rssMB.built, r.rssMB.trained, r.rssMB.predicted, r.rssMB.peak].map((m) => m.toFixed(0)).join(' / '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
