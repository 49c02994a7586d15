import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { analyzeGraph, graphCost } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { type GeoCell, geoHead } from '../src/index';

// PlaNet's partition of 126 M photos has 26 263 cells (Weyand et al. 2016). Memory and a training step at
// that size are measured by `pnpm bench --task geo-head`; here, the graph itself.
const PLANET_CELLS = 26_263;

describe('geoHead at PlaNet scale', () => {
  it('builds a 1.0 MobileNet-224 with a 26 263-cell softmax: shapes, cost and labels', () => {
    const cells: GeoCell[] = Array.from({ length: PLANET_CELLS }, (_, i) => ({ token: `t${i.toString(16)}`, level: 10, lat: ((i * 7) % 180) - 90, lon: ((i * 13) % 360) - 180, count: 50 + (i % 100) }));
    const backbone = mobilenetV1({ alpha: 1, resolution: 224, includeTop: false });
    const head = geoHead(backbone, cells, { maxPhotos: 10_000, minPhotos: 50, startLevel: 2, maxLevel: 18, rule: 'given' });
    const info = analyzeGraph(head.graph);
    const output = head.graph.outputs[0]!.node;
    expect(info.shapes.get(output)).toEqual([null, PLANET_CELLS]); // any batch
    const backboneParams = graphCost(backbone).totals.paramsWithBias;
    // The head adds a 1024 × 26 263 dense layer and its bias to the backbone.
    expect(graphCost(head.graph).totals.paramsWithBias - backboneParams).toBe(1024 * PLANET_CELLS + PLANET_CELLS);
    expect(head.metadata.labels).toHaveLength(PLANET_CELLS);
    expect(head.metadata.labels[PLANET_CELLS - 1]).toBe(cells[PLANET_CELLS - 1]!.token);
    expect(head.cells).toBe(cells);
  });
});
