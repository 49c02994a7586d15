import { analyzeGraph, type AnyNode, type Graph } from '@mobilenet-kit/core';
import { DetectionOptionError } from '../errors';

export interface HeadSplit {
  /** The nodes outside the head, with the boundary nodes as outputs (named after the nodes). */
  readonly backbone: Graph;
  /** The head's nodes, reading one input node per boundary node (same names), with the original outputs. */
  readonly head: Graph;
  /** The non-head nodes whose values the head reads, in the order of the head's inputs. */
  readonly boundary: readonly string[];
}

/**
 * Cuts a graph into the part outside the head (the backbone) and the head,
 * at the nodes that head nodes read from. Used to compute a frozen
 * backbone's features once per image instead of once per step.
 */
export function splitAtHead(graph: Graph, isHead: (nodeName: string) => boolean): HeadSplit {
  const info = analyzeGraph(graph);
  const headNodes = graph.nodes.filter((n) => isHead(n.name));
  const boundary: string[] = [];
  for (const node of headNodes) {
    for (const input of node.inputs) if (!isHead(input) && !boundary.includes(input)) boundary.push(input);
  }
  for (const out of graph.outputs) {
    if (!isHead(out.node)) throw new DetectionOptionError('fineTuneDetector', `output "${out.name}"`, out.node, 'an output computed by the head when the backbone is frozen');
  }
  const backbone: Graph = {
    name: `${graph.name}_backbone`,
    nodes: graph.nodes.filter((n) => !isHead(n.name)),
    outputs: boundary.map((b) => ({ name: b, node: b })),
  };
  const inputs: AnyNode[] = boundary.map((b) => ({ name: b, op: 'input', inputs: [], attrs: { shape: [null, ...info.shapes.get(b)!.slice(1)] } }));
  const head: Graph = { name: `${graph.name}_head`, nodes: [...inputs, ...headNodes], outputs: graph.outputs };
  return { backbone, head, boundary };
}
