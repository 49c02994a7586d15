import { analyzeGraph, type AnyNode, type Graph } from '@mobilenet-kit/core';

/**
 * Rewrites a graph so that the named batchNorm nodes are gone and the conv
 * (or depthwise / dense) before each of them has a bias instead: the layout
 * of weights whose batch norm was folded at export time (face-api's conv_0
 * and pointwise layers). Graph-only: it invents no weights; an importer fills
 * `<conv>/bias` from the stored offsets. Readers of a removed node read its
 * producer. Throws when a named node is not a batchNorm directly after a
 * bias-free conv that only it reads.
 */
export function replaceBatchNormWithBias(graph: Graph, batchNormNodes: Iterable<string>): Graph {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const readers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const removed = new Map<string, string>();
  const withBias = new Set<string>();
  for (const name of batchNormNodes) {
    const bn = byName.get(name);
    if (bn?.op !== 'batchNorm') throw new Error(`replaceBatchNormWithBias: "${name}" is not a batchNorm node of graph "${graph.name}"`);
    const producer = byName.get(bn.inputs[0]!)!;
    const foldable = producer.op === 'conv2d' || producer.op === 'depthwiseConv2d' || producer.op === 'dense';
    if (!foldable || (producer.attrs as { useBias?: boolean }).useBias || (producer.attrs as { activation?: string }).activation || readers.get(producer.name) !== 1) {
      throw new Error(`replaceBatchNormWithBias: "${name}" does not directly follow a bias-free conv, depthwise conv or dense node read only by it (input "${producer.name}", op ${producer.op})`);
    }
    removed.set(name, producer.name);
    withBias.add(producer.name);
  }
  const nodes = graph.nodes
    .filter((n) => !removed.has(n.name))
    .map((n) => {
      const inputs = n.inputs.map((i) => removed.get(i) ?? i);
      const attrs = withBias.has(n.name) ? { ...n.attrs, useBias: true } : n.attrs;
      return { ...n, inputs, attrs } as AnyNode;
    });
  const outputs = graph.outputs.map((o) => ({ name: o.name, node: removed.get(o.node) ?? o.node }));
  const result: Graph = { name: graph.name, nodes, outputs };
  analyzeGraph(result);
  return result;
}
