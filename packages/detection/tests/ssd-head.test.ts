import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { analyzeGraph, graphCost } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { DetectionOptionError, FACE_API_DEPTHWISE_BN_EPSILON, SSD_OUTPUTS, faceApiSsdGraph, replaceBatchNormWithBias, ssdFeatureMapSizes, ssdHead } from '../src';

const backbone300 = () => mobilenetV1({ resolution: 300, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] });

describe('ssdHead', () => {
  it('SSD 300 with 91 classes reproduces the paper’s Table 13 row (1.2B mult-adds, 6.8M params)', () => {
    const graph = ssdHead(backbone300(), { numClasses: 91 });
    const { totals } = graphCost(graph);
    console.log(
      `SSD 300 MobileNet, 91 classes: ${(totals.multAdds / 1e9).toFixed(4)}B mult-adds, ${(totals.params / 1e6).toFixed(4)}M params ` +
        `(${(totals.paramsWithBias / 1e6).toFixed(4)}M with biases, ${(totals.paramsWithBiasAndBn / 1e6).toFixed(4)}M with BN)`,
    );
    // PAPER.md Table 13: "SSD 300 | MobileNet | 19.3% mAP | 1.2B | 6.8M", one decimal printed.
    expect(Math.round(totals.multAdds / 1e8) / 10).toBe(1.2);
    expect(Math.round(totals.params / 1e5) / 10).toBe(6.8);
  });

  it('feature maps 19, 10, 5, 3, 2, 1 at 300 and 32 … 1 at 512; outputs [n, A, 4] and [n, A, C+1]', () => {
    const graph = ssdHead(backbone300(), { numClasses: 91 });
    expect(ssdFeatureMapSizes(graph)).toEqual([19, 10, 5, 3, 2, 1].map((s) => [s, s]));
    const info = analyzeGraph(graph);
    const anchors = 19 * 19 * 3 + (100 + 25 + 9 + 4 + 1) * 6;
    const shapeOf = (name: string) => info.shapes.get(graph.outputs.find((o) => o.name === name)!.node);
    expect(graph.outputs.map((o) => o.name)).toEqual([SSD_OUTPUTS.boxEncodings, SSD_OUTPUTS.classLogits]);
    expect(shapeOf('boxEncodings')).toEqual([null, anchors, 4]);
    expect(shapeOf('classLogits')).toEqual([null, anchors, 92]);
    const face = faceApiSsdGraph();
    const faceInfo = analyzeGraph(face);
    expect(faceInfo.shapes.get(face.outputs[0]!.node)).toEqual([null, 5118, 4]);
    expect(faceInfo.shapes.get(face.outputs[1]!.node)).toEqual([null, 5118, 3]);
  });

  it('extra layers: 1×1 → 3×3 stride 2 pairs 256→512, 128→256, 128→256, 64→128 with BN + ReLU6, or bias + ReLU6', () => {
    const graph = ssdHead(backbone300(), { numClasses: 2 });
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    const pairs = [1, 2, 3, 4].map((i) => [byName.get(`ssd/extra_${i}_1x1`)!, byName.get(`ssd/extra_${i}_3x3`)!]);
    expect(pairs.map(([a, b]) => [a!.attrs, b!.attrs].map((x) => (x as { filters: number }).filters))).toEqual([
      [256, 512],
      [128, 256],
      [128, 256],
      [64, 128],
    ]);
    expect(pairs.every(([, b]) => (b!.attrs as { strides: number[] }).strides[0] === 2)).toBe(true);
    expect(byName.get('ssd/extra_1_3x3_bn')?.op).toBe('batchNorm');
    expect(byName.get('ssd/extra_1_3x3_relu')?.attrs).toEqual({ fn: 'relu6' });
    expect(byName.get('ssd/box_predictor_0/box_encoding')!.inputs).toEqual(['conv_pw_11_relu']);
    expect(byName.get('ssd/box_predictor_1/class')!.inputs).toEqual(['conv_pw_13_relu']);
    const biased = ssdHead(backbone300(), { numClasses: 2, normalization: 'bias' });
    expect(biased.nodes.some((n) => n.name === 'ssd/extra_1_3x3_bn')).toBe(false);
    expect(biased.nodes.find((n) => n.name === 'ssd/extra_1_3x3')!.attrs).toMatchObject({ useBias: true });
  });

  it("face-api's layout: conv1 and pointwise with bias, depthwise with batchNorm (ε = float32 1e-3) + ReLU6", () => {
    const graph = faceApiSsdGraph();
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    expect(byName.has('conv1_bn')).toBe(false);
    expect(byName.get('conv1')!.attrs).toMatchObject({ useBias: true, strides: [2, 2] });
    expect(byName.get('conv1_relu')!.inputs).toEqual(['conv1']);
    for (let n = 1; n <= 13; n++) {
      expect(byName.has(`conv_pw_${n}_bn`)).toBe(false);
      expect(byName.get(`conv_pw_${n}`)!.attrs).toMatchObject({ useBias: true });
      expect(byName.get(`conv_dw_${n}_bn`)!.attrs).toEqual({ epsilon: FACE_API_DEPTHWISE_BN_EPSILON });
      expect(byName.get(`conv_dw_${n}_relu`)!.attrs).toEqual({ fn: 'relu6' });
    }
    // face-api mobileNetV1.ts: strides 2 at depthwise layers 2, 4, 6, 12.
    const strided = [...Array(13).keys()].map((i) => i + 1).filter((n) => (byName.get(`conv_dw_${n}`)!.attrs as { strides: number[] }).strides[0] === 2);
    expect(strided).toEqual([2, 4, 6, 12]);
  });

  it('replaceBatchNormWithBias refuses nodes that are not a foldable batchNorm', () => {
    const g = mobilenetV1({ resolution: 64, includeTop: false });
    expect(() => replaceBatchNormWithBias(g, ['conv1'])).toThrow(/"conv1" is not a batchNorm node/);
    const once = replaceBatchNormWithBias(g, ['conv1_bn']);
    expect(() => replaceBatchNormWithBias(once, ['conv1_bn'])).toThrow(/not a batchNorm node/);
  });

  it('rejects bad options naming the option', () => {
    const b = backbone300();
    expect(() => ssdHead(b, { numClasses: 0 })).toThrow(/option "numClasses" = 0/);
    expect(() => ssdHead(b, { numClasses: 2, taps: ['conv_pw_5', 'conv_pw_13'] })).toThrow(/no output named so/);
    expect(() => ssdHead(b, { numClasses: 2, anchors: { numLayers: 5 } })).toThrow(/6 feature maps; the anchor generator must have as many layers/);
    expect(() => ssdHead(b, { numClasses: 2, normalization: 'none' as never })).toThrow(DetectionOptionError);
    expect(() => ssdHead(b, { numClasses: 2, extraLayers: [{ bottleneck: 0, depth: 3 }] })).toThrow(/extraLayers\[0\]\.bottleneck/);
    expect(() => ssdHead(b, { numClasses: 2, clases: 3 } as never)).toThrow(/unknown option/);
  });
});
