import { type GraphCost, graphCost, type NodeCost } from './cost';
import { analyzeGraph } from './graph';
import type { AnyNode, Graph } from './types';

/** One node as the paper's Table 1 lists a layer: the cost model's figures plus its type, stride and filter shape. */
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

/** Every node of a graph with its cost, Table 1 type, stride and filter shape, in graph order. */
export function listLayers(graph: Graph): ModelListing {
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

/** Batch norm and ReLU belong to the conv row above them in Table 1 (Figure 3: conv → BN → ReLU). */
export function foldsIntoPreviousRow(layer: LayerListing): boolean {
  return layer.op === 'batchNorm' || (layer.op === 'activation' && (layer.type === 'ReLU' || layer.type === 'ReLU6'));
}

/** A row of a Table 1 style listing: a layer, and the bias and BN parameters of it and of the nodes folded into it. */
export interface Table1Row {
  readonly layer: LayerListing;
  readonly otherParams: number;
}

/**
 * The rows of a Table 1 style listing: with `fold`, batch norm and ReLU go
 * into the row above (their parameters counted there, so the column still
 * sums to the totals); `omit` drops nodes of those ops (an input, a dropout).
 */
export function table1Rows(listing: ModelListing, options: { readonly fold?: boolean; readonly omit?: readonly string[] } = {}): Table1Row[] {
  const { fold = true, omit = [] } = options;
  const rows: Table1Row[] = [];
  for (const layer of listing.layers) {
    const otherParams = layer.params.bias + layer.params.bn;
    const previous = rows[rows.length - 1];
    if (fold && previous && foldsIntoPreviousRow(layer)) {
      rows[rows.length - 1] = { layer: previous.layer, otherParams: previous.otherParams + otherParams };
      continue;
    }
    if (omit.includes(layer.op)) continue;
    rows.push({ layer, otherParams });
  }
  return rows;
}

/** Table 1's filter column: `3×3×3×32`, `3×3×32 dw`, `1024×1000`, `7×7` for a pool (`times`: the separator). */
export function filterText(layer: LayerListing, times = '×'): string {
  const shape = layer.filterShape;
  if (!shape) return '';
  if (layer.op === 'depthwiseConv2d') {
    const [kh, kw, channels, multiplier] = shape;
    return `${kh}${times}${kw}${times}${channels}${multiplier === 1 ? '' : `${times}${multiplier}`} dw`;
  }
  return shape.join(times);
}

/** Table 1's stride column: `s2`, `s1`, `s2×1`; empty for ops without strides. */
export function strideText(layer: LayerListing, times = '×'): string {
  if (!layer.strides) return '';
  const [sh, sw] = layer.strides;
  return sh === sw ? `s${sh}` : `s${sh}${times}${sw}`;
}
