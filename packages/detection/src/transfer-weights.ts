import type { Graph, Weights, WeightTensor } from '@mobilenet-kit/core';
import { initializeDetectorWeights } from './initialize-detector';

/**
 * Weights for `graph` taken from a trained detector where a parameter of the same name and
 * shape exists (the backbone and extra layers of face-api's SSD, say), and from
 * initializeDetectorWeights elsewhere (a class predictor for another number of classes).
 * Returns the weights and the names that were copied.
 */
export function transferWeights(graph: Graph, from: Weights, seed = 0): { weights: Map<string, WeightTensor>; copied: string[] } {
  const weights = new Map(initializeDetectorWeights(graph, { seed }));
  const copied: string[] = [];
  for (const [name, w] of weights) {
    const source = from.get(name);
    if (source && source.shape.length === w.shape.length && source.shape.every((d, i) => d === w.shape[i])) {
      weights.set(name, { shape: [...w.shape], data: Float32Array.from(source.data) });
      copied.push(name);
    }
  }
  return { weights, copied };
}

/**
 * transferWeights from face-api's SSD (importFaceApiSsdWeights) onto `faceApiSsdGraph({ numClasses })`,
 * also keeping face-api's trained scores where they mean the same thing: when a class is labelled
 * "face" (any case), the class predictors' background column and, for every such class, face-api's
 * face column (its class 1; its class 2 is never read by face-api). A one-class "face" set thus
 * starts from face-api's own detector, boxes and scores alike, and fine-tuning it starts from its
 * accuracy. Other classes' columns (all of them, without a "face" class) are initialized as by
 * initializeDetectorWeights.
 */
export function transferFaceApiSsdWeights(graph: Graph, from: Weights, labels: readonly (string | null)[], seed = 0): { weights: Map<string, WeightTensor>; copied: string[] } {
  const { weights, copied } = transferWeights(graph, from, seed);
  const faces = labels.map((l, i) => (typeof l === 'string' && l.toLowerCase() === 'face' ? i + 1 : -1)).filter((c) => c > 0);
  if (faces.length === 0) return { weights, copied };
  const columns = [0, ...faces];
  const C = labels.length + 1;
  const FROM_C = 3; // face-api: background, face, unused
  for (const [name, w] of weights) {
    const m = /^(.*\/class)\/(kernel|bias)$/.exec(name);
    const source = from.get(name);
    if (!m || !source || copied.includes(name)) continue;
    const outAxis = w.shape.length - 1;
    const cols = w.shape[outAxis]!;
    const fromCols = source.shape[outAxis]!;
    if (cols % C !== 0 || fromCols % FROM_C !== 0 || cols / C !== fromCols / FROM_C) continue;
    if (w.shape.slice(0, outAxis).some((d, i) => d !== source.shape[i])) continue;
    const data = Float32Array.from(w.data);
    const rows = data.length / cols;
    for (let a = 0; a < cols / C; a++) {
      for (const c of columns) {
        const fc = c === 0 ? 0 : 1;
        for (let r = 0; r < rows; r++) data[r * cols + a * C + c] = source.data[r * fromCols + a * FROM_C + fc]!;
      }
    }
    weights.set(name, { shape: [...w.shape], data });
    copied.push(`${name} (columns of ${columns.map((c) => (c === 0 ? 'background' : `"${labels[c - 1]}"`)).join(', ')})`);
  }
  return { weights, copied };
}
