import type { consumers } from '../graph';
import type { AnyNode, Graph, Weights, WeightTensor } from '../types';

/** What every pass returns: a new graph and the weights that go with it. */
export interface PassResult {
  readonly graph: Graph;
  readonly weights: Weights;
}

/**
 * Removes the nodes in `removed` (name → the node that now stands for it),
 * points their readers and the graph outputs at the stand-in, and swaps in
 * the nodes in `replaced`. Other nodes are kept as they are.
 */
export function rewriteGraph(graph: Graph, removed: ReadonlyMap<string, string>, replaced: ReadonlyMap<string, AnyNode> = new Map()): Graph {
  const resolve = (name: string): string => {
    let n = name;
    while (removed.has(n)) n = removed.get(n)!;
    return n;
  };
  const nodes = graph.nodes
    .filter((n) => !removed.has(n.name))
    .map((n) => {
      const node = replaced.get(n.name) ?? n;
      return node.inputs.some((i) => removed.has(i)) ? ({ ...node, inputs: node.inputs.map(resolve) } as AnyNode) : node;
    });
  const outputs = graph.outputs.map((o) => (removed.has(o.node) ? { name: o.name, node: resolve(o.node) } : o));
  return { name: graph.name, nodes, outputs };
}

/** True when `node` is read by exactly one node and is not a graph output, so it may be merged into its reader. */
export function hasSingleReader(graph: Graph, readers: ReturnType<typeof consumers>, node: string): boolean {
  return (readers.get(node)?.length ?? 0) === 1 && !graph.outputs.some((o) => o.node === node);
}

export function requireWeight(weights: Weights, name: string, pass: string): WeightTensor {
  const w = weights.get(name);
  if (!w) throw new Error(`${pass}: weight "${name}" is missing`);
  return w;
}
