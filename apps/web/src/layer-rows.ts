import { filterText, type Graph, type GraphCost, listLayers, strideText, table1Rows } from '@mobilenet-kit/core';

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

/** Core's Table 1 listing (batch norm and ReLU folded into the conv row above), without input, dropout and reshape rows. */
export function listBackbone(graph: Graph): BackboneListing {
  const listing = listLayers(graph);
  const rows = table1Rows(listing, { omit: ['input', 'dropout', 'reshape', 'flatten'] }).map(({ layer, otherParams }): LayerRow => {
    const pointwise = layer.op === 'conv2d' && layer.filterShape?.[0] === 1 && layer.filterShape[1] === 1;
    const pool = layer.op === 'globalAvgPool' || layer.op === 'globalMaxPool';
    return {
      name: layer.name,
      type: pointwise ? 'Conv 1×1' : layer.type,
      stride: strideText(layer),
      filter: pool ? `Pool ${filterText(layer)}` : filterText(layer),
      outputShape: layer.outputShape,
      multAdds: layer.multAdds,
      params: layer.params.kernel,
      otherParams,
    };
  });
  return { rows, totals: listing.totals, byType: listing.byType };
}
