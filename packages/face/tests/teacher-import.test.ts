import { analyzeGraph, graphCost, paramSpecs, type WeightTensor } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { FaceWeightImportError, faceApiRecognitionGraph, faceApiRecognitionName, mapFaceApiRecognitionWeights } from '../src';

/** A decoded face-api weight map with the right names and shapes (values don't matter here). */
function fakeDecoded(): Map<string, WeightTensor> {
  const map = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(faceApiRecognitionGraph())) {
    const theirs = faceApiRecognitionName(spec.name);
    if (theirs === 'zeros' || !theirs) continue;
    const shape = spec.name.endsWith('/scale/depthwise_kernel') ? [spec.shape[2]!] : spec.shape;
    map.set(theirs, { shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)).fill(0.5) });
  }
  return map;
}

describe("face-api's FaceRecognitionNet as IR", () => {
  const graph = faceApiRecognitionGraph();

  it('has the ResNet-34-style shape: 150² in, 72² after conv32_down, 35² after the pool, 4²→2² padded, 128-d out', () => {
    const shapes = analyzeGraph(graph).shapes;
    const shape = (node: string) => shapes.get(node);
    expect(shape('conv32_down/scale')).toEqual([null, 72, 72, 32]);
    expect(shape('max_pool')).toEqual([null, 35, 35, 32]);
    expect(shape('conv64_down/relu')).toEqual([null, 17, 17, 64]);
    expect(shape('conv128_down/relu')).toEqual([null, 8, 8, 128]);
    // conv256_down: the stride-2 valid conv gives 3×3, the pooled shortcut 4×4: a zero row and column.
    expect(shape('conv256_down/conv2/scale')).toEqual([null, 3, 3, 256]);
    expect(shape('conv256_down/pad_cols')).toEqual([null, 4, 4, 256]);
    expect(shape('conv256_down_out/pad_cols')).toEqual([null, 2, 2, 256]);
    expect(shape('fc')).toEqual([null, 128]);
    // 29 conv layers with a scale each + the FC: every stored tensor of face-api's manifest.
    expect(fakeDecoded().size).toBe(29 * 4 + 1);
    // conv, depthwise and dense mult-adds (the paper's count): 0.271 G per 150×150 face, about a MobileNet 1.0-160's
    // (0.569 G · (160/224)² ≈ 0.29 G); conv32_down alone is 72²·7²·3·32 = 24.4 M.
    expect(graphCost(graph).totals.multAdds).toBe(271_491_808);
  });

  it('imports a complete weight map; scale vectors become [1, 1, C, 1] depthwise kernels; zero blocks are zeros', () => {
    const { weights } = mapFaceApiRecognitionWeights(fakeDecoded());
    expect(weights.get('conv32_1/conv1/scale/depthwise_kernel')!.shape).toEqual([1, 1, 32, 1]);
    const zeros = weights.get('conv64_down/zeros_channels/depthwise_kernel')!;
    expect(zeros.shape).toEqual([1, 1, 32, 1]);
    expect(zeros.data.every((v) => v === 0)).toBe(true);
    expect(weights.size).toBe(paramSpecs(graph).length);
  });

  it('refuses a missing, misshapen or unknown tensor, naming it', () => {
    const missing = fakeDecoded();
    missing.delete('conv128_1/conv2/scale/biases');
    expect(() => mapFaceApiRecognitionWeights(missing, 'x.json')).toThrow(/x.json: 1 tensor\(s\) missing: conv128_1\/conv2\/scale\/biases → conv128_1\/conv2\/scale\/bias \[128\]/);
    const misshapen = fakeDecoded();
    misshapen.set('fc', { shape: [128, 256], data: new Float32Array(128 * 256) });
    expect(() => mapFaceApiRecognitionWeights(misshapen)).toThrow(FaceWeightImportError);
    expect(() => mapFaceApiRecognitionWeights(misshapen)).toThrow(/"fc" has shape \[128,256\], but our parameter "fc\/kernel" needs \[256,128\]/);
    const extra = fakeDecoded();
    extra.set('conv512_1/conv1/conv/filters', { shape: [1], data: new Float32Array(1) });
    expect(() => mapFaceApiRecognitionWeights(extra)).toThrow(/1 tensor\(s\) left over.*conv512_1\/conv1\/conv\/filters/);
  });
});
