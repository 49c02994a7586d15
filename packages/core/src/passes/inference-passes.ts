import type { Graph, Weights } from '../types';
import { foldBatchNorm } from './fold-batch-norm';
import { fuseActivations } from './fuse-activations';
import type { PassResult } from './rewrite';
import { stripTrainingOps } from './strip-training-ops';

/** The passes inference runs before lowering, in order: drop dropout, fold BN, fuse activations. */
export function optimizeForInference(graph: Graph, weights: Weights): PassResult {
  const stripped = stripTrainingOps(graph, weights);
  const folded = foldBatchNorm(stripped.graph, stripped.weights);
  return fuseActivations(folded.graph, folded.weights);
}
