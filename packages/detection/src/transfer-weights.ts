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
