import { OP_NAMES } from '@mobilenet-kit/core';
import { conformanceMobileNetV1 } from '@mobilenet-kit/core/conformance';
import { describe, expect, it } from 'vitest';
import { toOnnx } from '../src/index';
import { fixture, reference, runOnnx, worstDifference } from './helpers';
import { opGraphs } from './op-graphs';

/** The exported models compute what core's reference interpreter computes, within 1e-4 (relative to 1 + |expected|). */
const TOLERANCE = 1e-4;

describe('every op, both layouts, opsets 11, 13, 18 and 22, against runReference', () => {
  const cases = opGraphs();
  it('covers every op of the IR', () => {
    const covered = new Set(cases.flatMap((c) => c.graph.nodes.map((n) => n.op)));
    expect(OP_NAMES.filter((op) => !covered.has(op))).toEqual([]);
  });
  for (const { name, graph } of cases) {
    it(name, async () => {
      const f = fixture(graph, name.length);
      const expected = reference(f);
      for (const layout of ['nchw', 'nhwc'] as const) {
        for (const opset of [11, 13, 18, 22]) {
          for (const optimize of [false, true]) {
            const got = await runOnnx(toOnnx(graph, f.weights, { layout, opset, optimize }), f.inputs);
            const worst = worstDifference(got, expected);
            expect(worst, `${layout} opset ${opset} optimize ${optimize}`).toBeLessThanOrEqual(TOLERANCE);
          }
        }
      }
    });
  }
});

describe('whole MobileNets against runReference', () => {
  for (const [alpha, resolution] of [[0.25, 128], [1, 224]] as const) {
    it(`MobileNet v1 ${alpha}-${resolution} with BN, batch 2, folded on export`, async () => {
      const f = fixture(conformanceMobileNetV1({ alpha, resolution }), 7);
      const expected = reference(f);
      for (const layout of ['nchw', 'nhwc'] as const) {
        const worst = worstDifference(await runOnnx(toOnnx(f.graph, f.weights, { layout }), f.inputs), expected);
        expect(worst, layout).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }
});
