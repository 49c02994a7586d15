import { analyzeGraph, graphCost, type AnyNode, type Graph, type GraphCost, type NodeCost } from '@mobilenet-kit/core';

/** One node as the summary lists it: the cost model's figures plus Table 1's type, stride and filter shape. */
export interface LayerListing extends NodeCost {
  /** Table 1's wording: `Conv`, `Conv dw`, `Avg Pool`, `FC`, `Softmax`, … */
  readonly type: string;
  /** `[sh, sw]` for convolutions and pools, null for other ops. */
  readonly strides: readonly [number, number] | null;
  /** The kernel's shape (`[3, 3, 3, 32]`, `[3, 3, 32, 1]`, `[1024, 1000]`), or the pooled window, or null. */
  readonly filterShape: readonly number[] | null;
}

export interface ModelListing {
  readonly graph: string;
  readonly layers: readonly LayerListing[];
  readonly totals: GraphCost['totals'];
  readonly byType: GraphCost['byType'];
}

const ACTIVATION_LABELS: Record<string, string> = { relu: 'ReLU', relu6: 'ReLU6', sigmoid: 'Sigmoid', softmax: 'Softmax', linear: 'Linear' };

function typeLabel(node: AnyNode): string {
  switch (node.op) {
    case 'conv2d':
      return 'Conv';
    case 'depthwiseConv2d':
      return 'Conv dw';
    case 'dense':
      return 'FC';
    case 'globalAvgPool':
    case 'avgPool':
      return 'Avg Pool';
    case 'globalMaxPool':
    case 'maxPool':
      return 'Max Pool';
    case 'batchNorm':
      return 'BatchNorm';
    case 'activation':
      return ACTIVATION_LABELS[node.attrs.fn] ?? node.attrs.fn;
    default:
      return node.op.charAt(0).toUpperCase() + node.op.slice(1);
  }
}

/** Every node of a graph with its cost, type, stride and filter shape, in graph order. */
export function listModel(graph: Graph): ModelListing {
  const info = analyzeGraph(graph);
  const cost = graphCost(graph, info);
  const nodes = new Map(graph.nodes.map((n) => [n.name, n]));
  const layers = cost.layers.map((layer): LayerListing => {
    const node = nodes.get(layer.name)!;
    const kernel = info.params.get(node.name)?.find((p) => p.role === 'kernel')?.shape ?? null;
    let strides: readonly [number, number] | null = null;
    let filterShape: readonly number[] | null = kernel;
    if (node.op === 'conv2d' || node.op === 'depthwiseConv2d') strides = node.attrs.strides;
    if (node.op === 'avgPool' || node.op === 'maxPool') {
      strides = node.attrs.strides;
      filterShape = node.attrs.poolSize;
    }
    if (node.op === 'globalAvgPool' || node.op === 'globalMaxPool') {
      // A global pool's window is the whole input map (Table 1's "Pool 7 × 7").
      const input = info.shapes.get(node.inputs[0]!)!;
      filterShape = [input[1] as number, input[2] as number];
    }
    return { ...layer, type: typeLabel(node), strides, filterShape };
  });
  return { graph: graph.name, layers, totals: cost.totals, byType: cost.byType };
}
