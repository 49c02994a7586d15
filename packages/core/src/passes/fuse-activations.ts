import { consumers } from '../graph';
import type { AnyNode, FusableActivation, Graph, Weights } from '../types';
import { hasSingleReader, type PassResult, rewriteGraph } from './rewrite';

const FUSES_INTO = new Set(['conv2d', 'depthwiseConv2d', 'dense']);
const FUSABLE = new Set<string>(['relu', 'relu6', 'sigmoid', 'linear']);

/**
 * Moves each elementwise activation (relu, relu6, sigmoid) into the conv,
 * depthwise or dense node it follows, when that node has no activation yet
 * and nothing else reads it. Standalone linear activations are dropped.
 * Softmax is never fused (it is not elementwise).
 */
export function fuseActivations(graph: Graph, weights: Weights): PassResult {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const readers = consumers(graph);
  const removed = new Map<string, string>();
  const replaced = new Map<string, AnyNode>();
  for (const act of graph.nodes) {
    if (act.op !== 'activation' || !FUSABLE.has(act.attrs.fn)) continue;
    const source = act.inputs[0]!;
    if (act.attrs.fn === 'linear') {
      removed.set(act.name, source);
      continue;
    }
    const producer = replaced.get(source) ?? byName.get(source);
    if (!producer || !FUSES_INTO.has(producer.op) || !hasSingleReader(graph, readers, producer.name)) continue;
    const current = (producer.attrs as { activation?: string }).activation;
    if (current !== undefined && current !== 'linear') continue;
    replaced.set(producer.name, { ...producer, attrs: { ...producer.attrs, activation: act.attrs.fn as FusableActivation } } as AnyNode);
    removed.set(act.name, producer.name);
  }
  return { graph: rewriteGraph(graph, removed, replaced), weights };
}
