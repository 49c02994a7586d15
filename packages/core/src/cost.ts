import { analyzeGraph, type GraphInfo } from './graph';
import { OPS } from './ops';
import type { AnyNode, Graph, LayerType, Node, ParamRole, Shape } from './types';

/** The cost of one node for one example (batch 1). */
export interface NodeCost {
  readonly name: string;
  readonly op: AnyNode['op'];
  readonly layerType: LayerType;
  readonly outputShape: Shape;
  /** Mult-adds, counted for conv, depthwise and dense only, as the paper does. */
  readonly multAdds: number;
  /** Parameter counts by role: kernels (the paper's "params"), biases, batch-norm. */
  readonly params: Readonly<Record<ParamRole, number>>;
}

export interface CostTotals {
  readonly multAdds: number;
  /** Conv, depthwise and dense kernels: the paper's parameter count. */
  readonly params: number;
  /** Kernels and biases, without batch norm. */
  readonly paramsWithBias: number;
  /** Everything the graph holds: kernels, biases and batch norm (Keras's "Total params"). */
  readonly paramsWithBiasAndBn: number;
  readonly biasParams: number;
  readonly bnParams: number;
}

export interface TypeShare {
  readonly multAdds: number;
  readonly params: number;
  /** Percent of the graph's total mult-adds. */
  readonly multAddsPercent: number;
  /** Percent of the graph's kernel parameters. */
  readonly paramsPercent: number;
}

export interface GraphCost {
  readonly layers: readonly NodeCost[];
  readonly totals: CostTotals;
  /** The paper's Table 2: conv (3×3 and larger), depthwise, pointwise (1×1 conv), dense. */
  readonly byType: Readonly<Record<Exclude<LayerType, 'other'>, TypeShare>>;
}

const LAYER_TYPES = ['conv', 'depthwise', 'pointwise', 'dense'] as const;

/** Mult-adds and parameters per node, in total and by the paper's layer types. */
export function graphCost(graph: Graph, info: GraphInfo = analyzeGraph(graph)): GraphCost {
  const layers: NodeCost[] = graph.nodes.map((node) => {
    const def = OPS[node.op] as unknown as {
      multAdds(n: Node, i: readonly Shape[], o: Shape): number;
      layerType(n: Node): LayerType;
    };
    const inputs = node.inputs.map((i) => info.shapes.get(i)!);
    const outputShape = info.shapes.get(node.name)!;
    const params: Record<ParamRole, number> = { kernel: 0, bias: 0, bn: 0 };
    for (const spec of info.params.get(node.name) ?? []) params[spec.role] += spec.shape.reduce((a, b) => a * b, 1);
    return { name: node.name, op: node.op, layerType: def.layerType(node), outputShape, multAdds: def.multAdds(node, inputs, outputShape), params };
  });
  const sum = (f: (l: NodeCost) => number) => layers.reduce((a, l) => a + f(l), 0);
  const multAdds = sum((l) => l.multAdds);
  const params = sum((l) => l.params.kernel);
  const biasParams = sum((l) => l.params.bias);
  const bnParams = sum((l) => l.params.bn);
  const byType = Object.fromEntries(
    LAYER_TYPES.map((type) => {
      const m = sum((l) => (l.layerType === type ? l.multAdds : 0));
      const p = sum((l) => (l.layerType === type ? l.params.kernel : 0));
      return [type, { multAdds: m, params: p, multAddsPercent: multAdds ? (100 * m) / multAdds : 0, paramsPercent: params ? (100 * p) / params : 0 }];
    }),
  ) as GraphCost['byType'];
  return {
    layers,
    totals: { multAdds, params, paramsWithBias: params + biasParams, paramsWithBiasAndBn: params + biasParams + bnParams, biasParams, bnParams },
    byType,
  };
}
