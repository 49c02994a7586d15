import type { Graph, Weights } from '../types';
import { type PassResult, rewriteGraph } from './rewrite';

/** Removes the ops that only matter in training (dropout), wiring their readers to their input. */
export function stripTrainingOps(graph: Graph, weights: Weights): PassResult {
  const removed = new Map<string, string>();
  for (const node of graph.nodes) if (node.op === 'dropout') removed.set(node.name, node.inputs[0]!);
  return { graph: rewriteGraph(graph, removed), weights };
}
