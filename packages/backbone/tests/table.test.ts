import { analyzeGraph, type AnyNode } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { MOBILENET_V1_TABLE, applyVariant, applyWidthMultiplier, kerasChannels, mobilenetV1, mobilenetV1Layers, numberBlocks } from '../src/index';

// The paper's Table 1 (Howard et al. 2017, arXiv 1704.04861), layer by layer:
// type, stride, filter shape, input size. 'dw' filters are printed 3×3×C;
// ours are [3, 3, C, depthMultiplier]. The second-to-last depthwise row is
// printed "s2" in the paper; it is stride 1 (the input stays 7×7).
const TABLE_1: readonly [kind: 'conv' | 'dw', stride: number, filter: number[], input: [number, number, number]][] = [
  ['conv', 2, [3, 3, 3, 32], [224, 224, 3]],
  ['dw', 1, [3, 3, 32], [112, 112, 32]],
  ['conv', 1, [1, 1, 32, 64], [112, 112, 32]],
  ['dw', 2, [3, 3, 64], [112, 112, 64]],
  ['conv', 1, [1, 1, 64, 128], [56, 56, 64]],
  ['dw', 1, [3, 3, 128], [56, 56, 128]],
  ['conv', 1, [1, 1, 128, 128], [56, 56, 128]],
  ['dw', 2, [3, 3, 128], [56, 56, 128]],
  ['conv', 1, [1, 1, 128, 256], [28, 28, 128]],
  ['dw', 1, [3, 3, 256], [28, 28, 256]],
  ['conv', 1, [1, 1, 256, 256], [28, 28, 256]],
  ['dw', 2, [3, 3, 256], [28, 28, 256]],
  ['conv', 1, [1, 1, 256, 512], [14, 14, 256]],
  ...Array.from({ length: 5 }, () => [
    ['dw', 1, [3, 3, 512], [14, 14, 512]] as const,
    ['conv', 1, [1, 1, 512, 512], [14, 14, 512]] as const,
  ]).flat(),
  ['dw', 2, [3, 3, 512], [14, 14, 512]],
  ['conv', 1, [1, 1, 512, 1024], [7, 7, 512]],
  ['dw', 1, [3, 3, 1024], [7, 7, 1024]],
  ['conv', 1, [1, 1, 1024, 1024], [7, 7, 1024]],
] as never;

describe('MOBILENET_V1_TABLE', () => {
  it('has one row per block: the first conv and 13 separable blocks', () => {
    expect(MOBILENET_V1_TABLE).toHaveLength(14);
    expect(MOBILENET_V1_TABLE[0]).toEqual({ kind: 'conv', stride: 2, channels: 32 });
    expect(MOBILENET_V1_TABLE.slice(1).every((r) => r.kind === 'separable')).toBe(true);
    expect(MOBILENET_V1_TABLE.map((r) => `${r.channels}/${r.stride}`).slice(1)).toEqual(
      ['64/1', '128/2', '128/1', '256/2', '256/1', '512/2', '512/1', '512/1', '512/1', '512/1', '512/1', '1024/2', '1024/1'],
    );
  });

  it('is frozen', () => {
    expect(Object.isFrozen(MOBILENET_V1_TABLE)).toBe(true);
    expect(Object.isFrozen(MOBILENET_V1_TABLE[3])).toBe(true);
    expect(() => (MOBILENET_V1_TABLE as unknown as unknown[]).push({})).toThrow();
  });

  it('builds, layer by layer, the 28 layers of the paper with their filter shapes, strides and input sizes', () => {
    const graph = mobilenetV1();
    const info = analyzeGraph(graph);
    const convs = graph.nodes.filter((n): n is AnyNode & { op: 'conv2d' | 'depthwiseConv2d' } => n.op === 'conv2d' || n.op === 'depthwiseConv2d');
    expect(convs).toHaveLength(TABLE_1.length);
    expect(TABLE_1).toHaveLength(27); // + the FC = 28 layers, as the paper counts
    convs.forEach((node, i) => {
      const [kind, stride, filter, input] = TABLE_1[i]!;
      expect(node.op, node.name).toBe(kind === 'dw' ? 'depthwiseConv2d' : 'conv2d');
      expect(node.attrs.strides, node.name).toEqual([stride, stride]);
      expect(info.shapes.get(node.inputs[0]!), node.name).toEqual([null, ...input]);
      const kernel = info.params.get(node.name)![0]!.shape;
      expect(kernel, node.name).toEqual(kind === 'dw' ? [...filter, 1] : filter);
    });
    const fc = graph.nodes.find((n) => n.name === 'logits')!;
    expect(info.params.get('logits')![0]!.shape).toEqual([1024, 1000]); // FC 1024×1000
    expect(info.shapes.get(fc.inputs[0]!)).toEqual([null, 1024]);
    expect(info.shapes.get('predictions')).toEqual([null, 1000]);
  });
});

describe('table transformations', () => {
  const blocks = numberBlocks(MOBILENET_V1_TABLE);

  it("'shallow' removes exactly the five 14×14×512 blocks (7–11) and keeps the ids", () => {
    const shallow = applyVariant(blocks, 'shallow');
    expect(shallow.map((b) => b.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 12, 13]);
  });

  it("'fullConv' turns each separable block into a conv of the same stride and channels", () => {
    const full = applyVariant(blocks, 'fullConv');
    expect(full.every((b) => b.kind === 'conv')).toBe(true);
    expect(full.map((b) => [b.stride, b.channels])).toEqual(blocks.map((b) => [b.stride, b.channels]));
  });

  it('α scales channels as Keras does, int(filters·α), at least 1', () => {
    expect(applyWidthMultiplier(blocks, 0.75).map((b) => b.channels)).toEqual([24, 48, 96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 768, 768]);
    expect(kerasChannels(1024, 0.25)).toBe(256);
    expect(kerasChannels(32, 0.3)).toBe(9); // 9.6 truncates
    expect(kerasChannels(64, 1.3)).toBe(83); // 83.2
    expect(kerasChannels(32, 0.01)).toBe(1); // Keras would build a 0-filter layer
  });

  it('leaves the table itself untouched', () => {
    applyWidthMultiplier(applyVariant(blocks, 'fullConv'), 0.5);
    expect(MOBILENET_V1_TABLE[1]).toEqual({ kind: 'separable', stride: 1, channels: 64 });
  });

  it('plans conv, depthwise and pointwise layers with their names', () => {
    const layers = mobilenetV1Layers({ depthMultiplier: 2, alpha: 0.5 });
    expect(layers.map((l) => l.name).slice(0, 5)).toEqual(['conv1', 'conv_dw_1', 'conv_pw_1', 'conv_dw_2', 'conv_pw_2']);
    expect(layers[1]).toMatchObject({ role: 'depthwise', depthMultiplier: 2, stride: 1, kernelSize: 3 });
    expect(layers[2]).toMatchObject({ role: 'pointwise', filters: 32, kernelSize: 1 });
    expect(mobilenetV1Layers({ variant: 'fullConv' }).map((l) => l.name)).toEqual(['conv1', ...Array.from({ length: 13 }, (_, i) => `conv_${i + 1}`)]);
  });
});
