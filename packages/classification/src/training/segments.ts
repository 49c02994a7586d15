import { type AnyNode, analyzeGraph, type Graph } from '@mobilenet-kit/core';
import { ClassificationOptionError } from '../errors';

/**
 * A classifier graph cut for training: `frozen` (run in inference mode, its
 * parameters fixed; absent when everything trains), `trainable` (BN in
 * training mode; absent when the whole backbone is frozen), both ending at
 * the pooled features, and the head's dropout rate and dense layer, which the
 * trainer computes itself (so that dropout draws from the run's seeded
 * generator).
 */
export interface TrainingSegments {
  readonly frozen?: Graph;
  readonly trainable?: Graph;
  /** The node whose output the head reads: `[batch, features]`. */
  readonly features: string;
  readonly featureSize: number;
  readonly dropout: { readonly node: string; readonly rate: number };
  readonly dense: { readonly node: string; readonly units: number };
}

/**
 * What to train: everything, only the head, the head and the last k
 * depthwise-separable blocks, or every layer from a named one on (`conv_dw_12`:
 * the layers before it are frozen; Keras's `fine_tune_at`).
 */
export type FreezeSpec = 'none' | 'backbone' | { readonly trainBlocks: number } | { readonly fromLayer: string };

/** A graph made of the nodes from just after `from` (or the input) to `to`, with `from` turned into an input. */
function segment(graph: Graph, shapes: ReadonlyMap<string, readonly (number | null)[]>, from: string | undefined, to: string, name: string): Graph {
  const order = graph.nodes.map((n) => n.name);
  const start = from === undefined ? 0 : order.indexOf(from) + 1;
  const end = order.indexOf(to);
  const nodes: AnyNode[] = [];
  if (from !== undefined) nodes.push({ name: from, op: 'input', inputs: [], attrs: { shape: [...shapes.get(from)!] } });
  for (const node of graph.nodes.slice(start, end + 1)) nodes.push(node);
  return { name, nodes, outputs: [{ name: 'features', node: to }] };
}

/** Depthwise-separable block boundaries: the activation after each block's pointwise layer, in order. */
function blockEnds(graph: Graph): string[] {
  return graph.nodes.filter((n) => /(^|\/)conv_pw_\d+_relu$/.test(n.name)).map((n) => n.name);
}

/** The backbone's layers by name, in order: conv, depthwise and dense nodes before the features (the names `fromLayer` takes). */
export function trainableLayerNames(graph: Graph, features: string): string[] {
  const end = graph.nodes.findIndex((n) => n.name === features);
  return graph.nodes.slice(0, end).filter((n) => n.op === 'conv2d' || n.op === 'depthwiseConv2d' || n.op === 'dense').map((n) => n.name);
}

/**
 * The node after which training starts so that `layer` and everything after
 * it train: `layer`'s input, undefined when that is the graph input (all
 * trains). The graph must be a chain there: no later node may read a node
 * before the cut.
 */
function cutBefore(graph: Graph, layer: string, features: string): string | undefined {
  const names = trainableLayerNames(graph, features);
  const scoped = names.filter((n) => n === layer || n.endsWith(`/${layer}`));
  if (scoped.length !== 1) {
    const shown = names.length > 8 ? `${names.slice(0, 4).join(', ')}, …, ${names.slice(-3).join(', ')}` : names.join(', ');
    throw new ClassificationOptionError('freeze.fromLayer', layer, `a layer of the backbone (${names.length}: ${shown})${scoped.length > 1 ? `; ${scoped.length} layers match` : ''}`, 'trainingSegments');
  }
  const index = graph.nodes.findIndex((n) => n.name === scoped[0]);
  const node = graph.nodes[index]!;
  const cut = node.inputs[0]!;
  if (graph.nodes[0]!.name === cut && graph.nodes[0]!.op === 'input') return undefined;
  const before = new Set(graph.nodes.slice(0, graph.nodes.findIndex((n) => n.name === cut) + 1).map((n) => n.name));
  for (const later of graph.nodes.slice(index)) {
    for (const input of later.inputs) {
      if (input !== cut && before.has(input)) throw new ClassificationOptionError('freeze.fromLayer', layer, `a layer where the graph is a chain: "${later.name}" also reads "${input}", before the cut`, 'trainingSegments');
    }
  }
  return cut;
}

/**
 * Cuts a classifier graph (as classifierHead builds it: … → pool → dropout →
 * dense → softmax) for training with the given freeze setting.
 */
export function trainingSegments(graph: Graph, freeze: FreezeSpec = 'none'): TrainingSegments {
  const info = analyzeGraph(graph);
  const output = graph.outputs[0]!;
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const softmax = byName.get(output.node);
  const dense = softmax && byName.get(softmax.inputs[0]!);
  const dropout = dense && byName.get(dense.inputs[0]!);
  if (softmax?.op !== 'activation' || softmax.attrs.fn !== 'softmax' || !dense || dense.op !== 'dense' || !dropout || dropout.op !== 'dropout') {
    throw new ClassificationOptionError('graph', graph.name, 'a classifier ending in dropout → dense → softmax (classifierHead)', 'trainingSegments');
  }
  const features = dropout.inputs[0]!;
  const featureShape = info.shapes.get(features)!;
  if (featureShape.length !== 2) throw new ClassificationOptionError('graph', `features of shape [${featureShape.join(', ')}]`, 'pooled features [batch, channels] before the dropout', 'trainingSegments');
  const head = { features, featureSize: featureShape[1] as number, dropout: { node: dropout.name, rate: dropout.attrs.rate }, dense: { node: dense.name, units: dense.attrs.units } };
  if (freeze === 'none') return { trainable: segment(graph, info.shapes, undefined, features, `${graph.name}_train`), ...head };
  if (freeze === 'backbone') return { frozen: segment(graph, info.shapes, undefined, features, `${graph.name}_frozen`), ...head };
  if ('fromLayer' in freeze) {
    const cut = cutBefore(graph, freeze.fromLayer, features);
    if (cut === undefined) return { trainable: segment(graph, info.shapes, undefined, features, `${graph.name}_train`), ...head };
    return { frozen: segment(graph, info.shapes, undefined, cut, `${graph.name}_frozen`), trainable: segment(graph, info.shapes, cut, features, `${graph.name}_train`), ...head };
  }
  const k = freeze.trainBlocks;
  const ends = blockEnds(graph);
  if (!Number.isInteger(k) || k < 0 || k > ends.length) throw new ClassificationOptionError('freeze.trainBlocks', k, `an integer in 0..${ends.length} (the graph's blocks)`, 'trainingSegments');
  if (k === 0) return { frozen: segment(graph, info.shapes, undefined, features, `${graph.name}_frozen`), ...head };
  // The cut: the output of the block before the first trained one (conv1's activation when all blocks train).
  const cut = k === ends.length ? graph.nodes.find((n) => /(^|\/)conv1_relu$/.test(n.name))?.name : ends[ends.length - k - 1];
  if (!cut) return { trainable: segment(graph, info.shapes, undefined, features, `${graph.name}_train`), ...head };
  return { frozen: segment(graph, info.shapes, undefined, cut, `${graph.name}_frozen`), trainable: segment(graph, info.shapes, cut, features, `${graph.name}_train`), ...head };
}
