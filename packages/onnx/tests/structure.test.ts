import { type Graph, GraphBuilder, GraphError, samePadding } from '@mobilenet-kit/core';
import { conformanceMobileNetV1 } from '@mobilenet-kit/core/conformance';
import { describe, expect, it } from 'vitest';
import { BATCH_DIM_PARAM, decodeOnnx, type ModelProto, type NodeProto, readFloatTensor, toOnnx } from '../src/index';
import { fixture } from './helpers';

const attr = (node: NodeProto, name: string) => node.attribute.find((a) => a.name === name);
const ints = (node: NodeProto, name: string) => attr(node, name)?.ints;
const opTypes = (m: ModelProto) => m.graph.node.map((n) => n.op_type);

function exported(graph: Graph, options: Parameters<typeof toOnnx>[2] = {}) {
  const f = fixture(graph);
  return { model: decodeOnnx(toOnnx(graph, f.weights, options)), weights: f.weights };
}

describe('model header', () => {
  it('names the producer, the opset and the IR version that goes with it', () => {
    const graph = conformanceMobileNetV1({ alpha: 0.25, resolution: 128 });
    for (const [opset, ir] of [[11, 6], [13, 7], [17, 8], [19, 9], [22, 10]]) {
      const { model } = exported(graph, { opset });
      expect(model.opset_import).toEqual([{ domain: '', version: opset }]);
      expect(model.ir_version).toBe(ir);
      expect(model.producer_name).toBe('@mobilenet-kit/onnx');
    }
  });

  it('keeps the IR names, NHWC layout and a symbolic batch at the inputs and outputs', () => {
    const graph = conformanceMobileNetV1({ alpha: 0.25, resolution: 128 });
    const { model } = exported(graph);
    expect(model.graph.input.map((v) => v.name)).toEqual(['input']);
    expect(model.graph.input[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: BATCH_DIM_PARAM }, { dim_value: 128 }, { dim_value: 128 }, { dim_value: 3 }]);
    expect(model.graph.output.map((v) => v.name)).toEqual(graph.outputs.map((o) => o.name));
    expect(model.graph.output.find((o) => o.name === 'features')!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 1 }, { dim_value: 1 }, { dim_value: 256 }]);
  });
});

describe('MobileNet v1 0.25-128 in NCHW', () => {
  const graph = conformanceMobileNetV1({ alpha: 0.25, resolution: 128 });
  const { model } = exported(graph);
  const types = opTypes(model);

  it('transposes once, at the input (1x1 values change layout by Reshape), and folds every batch norm', () => {
    expect(types.filter((t) => t === 'Transpose')).toHaveLength(1);
    expect(model.graph.node[0]).toMatchObject({ op_type: 'Transpose', input: ['input'] });
    expect(ints(model.graph.node[0]!, 'perm')).toEqual([0, 3, 1, 2]);
    expect(types).not.toContain('BatchNormalization');
    expect(types).not.toContain('Dropout');
    expect(types.filter((t) => t === 'Conv')).toHaveLength(27 + 1); // 13 depthwise + 13 pointwise + the stem, and the 1x1 classifier
  });

  it("writes TF 'same' padding as explicit pads: the extra pixel of stride 2 goes bottom and right", () => {
    const convs = model.graph.node.filter((n) => n.op_type === 'Conv');
    expect(convs.every((n) => attr(n, 'auto_pad') === undefined)).toBe(true);
    // The stem: 3x3 stride 2 on 128 → total padding 1, all of it after.
    expect(samePadding(128, 3, 2)).toEqual([0, 1]);
    expect(ints(convs[0]!, 'pads')).toEqual([0, 0, 1, 1]);
    expect(ints(convs[0]!, 'strides')).toEqual([2, 2]);
    // conv_dw_1 is stride 1: one pixel each side.
    expect(ints(convs[1]!, 'pads')).toEqual([1, 1, 1, 1]);
  });

  it('writes depthwise convolutions as grouped Conv with one group per channel', () => {
    const dw = model.graph.node.find((n) => n.name.startsWith('conv_dw_1'))!;
    expect(dw.op_type).toBe('Conv');
    const channels = 8; // 0.25 × 32
    expect(attr(dw, 'group')?.i).toBe(channels);
    const w = model.graph.initializer.find((t) => t.name === dw.input[1]);
    expect(w?.dims).toEqual([channels, 1, 3, 3]);
  });

  it('writes relu6 as Clip(0, 6) with min and max as inputs', () => {
    const clip = model.graph.node.find((n) => n.op_type === 'Clip')!;
    expect(clip.input).toHaveLength(3);
    const values = clip.input.slice(1).map((name) => readFloatTensor(model.graph.initializer.find((t) => t.name === name)!)[0]);
    expect(values).toEqual([0, 6]);
  });
});

describe('lowering details', () => {
  it('moves a conv kernel from [kh, kw, in, out] to [out, in, kh, kw] and a depthwise kernel to [C·m, 1, kh, kw]', () => {
    const b = new GraphBuilder('k');
    const c = b.add('c', 'conv2d', [b.input('x', [null, 4, 4, 2])], { filters: 3, kernelSize: [3, 2], strides: [1, 1], padding: 'valid' });
    b.output(b.add('d', 'depthwiseConv2d', [c], { kernelSize: [2, 2], strides: [1, 1], padding: 'valid', depthMultiplier: 2 }));
    const { model, weights } = exported(b.build(), { optimize: false });
    const k = weights.get('c/kernel')!;
    const oihw = readFloatTensor(model.graph.initializer.find((t) => t.name === 'c/kernel')!);
    // element [y=2, x=1, i=1, o=2] of the IR kernel
    expect(oihw[((2 * 2 + 1) * 3 + 2) * 2 + 1]).toBe(k.data[((2 * 2 + 1) * 2 + 1) * 3 + 2]);
    const dk = weights.get('d/depthwise_kernel')!;
    const dw = model.graph.initializer.find((t) => t.name === 'd/depthwise_kernel')!;
    expect(dw.dims).toEqual([6, 1, 2, 2]);
    // IR [y=1, x=0, c=2, j=1] is output channel 2·2 + 1 = 5
    expect(readFloatTensor(dw)[(5 * 2 + 1) * 2 + 0]).toBe(dk.data[((1 * 2 + 0) * 3 + 2) * 2 + 1]);
  });

  it('keeps a batch norm as BatchNormalization when not optimizing, and average pools exclude the padding', () => {
    const b = new GraphBuilder('bn');
    const n = b.add('bn', 'batchNorm', [b.input('x', [null, 5, 5, 3])], { epsilon: 1e-3 });
    b.output(b.add('p', 'avgPool', [n], { poolSize: [3, 3], strides: [2, 2], padding: 'same' }));
    const { model } = exported(b.build(), { optimize: false });
    const bn = model.graph.node.find((x) => x.op_type === 'BatchNormalization')!;
    expect(attr(bn, 'epsilon')?.f).toBeCloseTo(1e-3, 9);
    const pool = model.graph.node.find((x) => x.op_type === 'AveragePool')!;
    expect(attr(pool, 'count_include_pad')?.i).toBe(0);
    expect(ints(pool, 'pads')).toEqual([1, 1, 1, 1]);
  });

  it('passes ReduceSumSquare its axes as an attribute before opset 18 and as an input from 18 on', () => {
    const b = new GraphBuilder('l2');
    b.output(b.add('n', 'l2Normalize', [b.input('x', [null, 6])], { axis: -1, epsilon: 1e-12 }));
    const before = exported(b.build(), { opset: 17 }).model.graph.node.find((n) => n.op_type === 'ReduceSumSquare')!;
    const after = exported(b.build(), { opset: 18 }).model.graph.node.find((n) => n.op_type === 'ReduceSumSquare')!;
    expect(ints(before, 'axes')).toEqual([1]);
    expect(before.input).toHaveLength(1);
    expect(after.input).toHaveLength(2);
    expect(attr(after, 'axes')).toBeUndefined();
  });

  it("in 'nhwc' layout wraps each convolution in its own transposes", () => {
    const graph = conformanceMobileNetV1({ alpha: 0.25, resolution: 128 });
    const { model } = exported(graph, { layout: 'nhwc' });
    expect(opTypes(model).filter((t) => t === 'Transpose').length).toBeGreaterThanOrEqual(2 * 27);
  });
});

describe('errors', () => {
  const graph = conformanceMobileNetV1({ alpha: 0.25, resolution: 128 });
  const { weights } = fixture(graph);
  it('rejects an opset outside 11…22, naming the range', () => {
    for (const opset of [10, 23, 12.5, '13']) {
      expect(() => toOnnx(graph, weights, { opset: opset as number })).toThrow(/opset must be an integer from 11 to 22, got/);
    }
  });
  it('rejects an unknown layout', () => {
    expect(() => toOnnx(graph, weights, { layout: 'nwhc' as 'nhwc' })).toThrow(/layout must be 'nchw' or 'nhwc', got "nwhc"/);
  });
  it('names a missing or misshapen weight and its node', () => {
    const missing = new Map(weights);
    missing.delete('conv_pw_3/kernel');
    expect(() => toOnnx(graph, missing, { optimize: false })).toThrow(GraphError);
    expect(() => toOnnx(graph, missing, { optimize: false })).toThrow(/node "conv_pw_3" \(conv2d\): weight "conv_pw_3\/kernel" is missing/);
    const wrong = new Map(weights);
    wrong.set('conv_pw_3/kernel', { shape: [1, 1, 4, 4], data: new Float32Array(16) });
    expect(() => toOnnx(graph, wrong, { optimize: false })).toThrow(/weight "conv_pw_3\/kernel" has the wrong shape \(expected \[1, ?1, ?32, ?32\], got \[1, ?1, ?4, ?4\]\)/);
  });
  it('refuses bytes that are not an ONNX model', () => {
    expect(() => decodeOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/not an ONNX model/);
  });
});
