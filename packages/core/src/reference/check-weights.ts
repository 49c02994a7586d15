import { formatShape } from '../errors';
import { type GraphInfo, paramSpecs } from '../graph';
import type { Graph, Weights } from '../types';

/** Throws unless every parameter the graph needs is present with the shape the graph infers. */
export function checkWeights(graph: Graph, weights: Weights, info: GraphInfo): void {
  for (const spec of paramSpecs(graph, info)) {
    const w = weights.get(spec.name);
    if (!w) throw new Error(`reference: weight "${spec.name}" is missing (expected shape ${formatShape(spec.shape)})`);
    const same = w.shape.length === spec.shape.length && w.shape.every((d, i) => d === spec.shape[i]);
    if (!same) throw new Error(`reference: weight "${spec.name}" has shape ${formatShape(w.shape)}, the graph needs ${formatShape(spec.shape)}`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (!(w.data instanceof Float32Array) || w.data.length !== size) {
      throw new Error(`reference: weight "${spec.name}" holds ${w.data?.length ?? 'no'} values, shape ${formatShape(spec.shape)} needs ${size} float32 values`);
    }
  }
}
