import { type AnyNode, type Graph, type GraphCost, analyzeGraph, graphCost } from '@mobilenet-kit/core';

/** One row of the explorer's layer table, as the paper's Table 1 (and `mobilenet-kit summary`) lists a layer. */
export interface LayerRow {
  readonly name: string;
  /** Table 1's wording: `Conv`, `Conv dw`, `Conv 1×1`, `Avg Pool`, `FC`, `Softmax`. */
  readonly type: string;
  readonly stride: string;
  readonly filter: string;
  readonly outputShape: readonly (number | null)[];
  readonly multAdds: number;
  /** Kernel parameters (the paper's count). */
  readonly params: number;
  /** Bias and batch-norm parameters, including those of the nodes folded into this row. */
  readonly otherParams: number;
}

export interface BackboneListing {
  readonly rows: readonly LayerRow[];
  readonly totals: GraphCost['totals'];
  readonly byType: GraphCost['byType'];
}

function typeLabel(node: AnyNode): string {
  switch (node.op) {
    case 'conv2d':
      return node.attrs.kernelSize[0] === 1 && node.attrs.kernelSize[1] === 1 ? 'Conv 1×1' : 'Conv';
    case 'depthwiseConv2d':
      return 'Conv dw';
    case 'dense':
      return 'FC';
    case 'globalAvgPool':
    case 'avgPool':
      return 'Avg Pool';
    case 'activation':
      return node.attrs.fn === 'softmax' ? 'Softmax' : node.attrs.fn;
    default:
      return node.op;
  }
}

/** Batch norm and ReLU are folded into the conv row above them, as in Table 1 (Figure 3: conv → BN → ReLU). */
function foldsIntoPreviousRow(node: AnyNode): boolean {
  return node.op === 'batchNorm' || (node.op === 'activation' && (node.attrs.fn === 'relu' || node.attrs.fn === 'relu6'));
}

/** The graph's layers with core's cost model (analyzeGraph + graphCost), one row per Table 1 row. */
export function listBackbone(graph: Graph): BackboneListing {
  const info = analyzeGraph(graph);
  const cost = graphCost(graph, info);
  const rows: LayerRow[] = [];
  graph.nodes.forEach((node, i) => {
    const layer = cost.layers[i]!;
    const other = layer.params.bias + layer.params.bn;
    const previous = rows[rows.length - 1];
    if (foldsIntoPreviousRow(node) && previous) {
      rows[rows.length - 1] = { ...previous, otherParams: previous.otherParams + other };
      return;
    }
    if (node.op === 'input' || node.op === 'dropout' || node.op === 'reshape' || node.op === 'flatten') return;
    let stride = '';
    let filter = '';
    const kernel = info.params.get(node.name)?.find((p) => p.role === 'kernel')?.shape;
    if (node.op === 'conv2d' || node.op === 'depthwiseConv2d') {
      const [sh, sw] = node.attrs.strides;
      stride = sh === sw ? `s${sh}` : `s${sh}×${sw}`;
    }
    if (kernel) {
      const [kh, kw, channels, multiplier] = kernel;
      filter = node.op === 'depthwiseConv2d' ? `${kh}×${kw}×${channels}${multiplier === 1 ? '' : `×${multiplier}`} dw` : kernel.join('×');
    }
    if (node.op === 'globalAvgPool') {
      const input = info.shapes.get(node.inputs[0]!)!;
      filter = `Pool ${input[1]}×${input[2]}`;
    }
    rows.push({ name: node.name, type: typeLabel(node), stride, filter, outputShape: layer.outputShape, multAdds: layer.multAdds, params: layer.params.kernel, otherParams: other });
  });
  return { rows, totals: cost.totals, byType: cost.byType };
}
