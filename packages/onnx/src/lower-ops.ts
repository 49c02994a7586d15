import { type AnyNode, type FusableActivation, GraphError, type Node, OP_PARAMS, type OpName, samePadding, type Weights, type WeightTensor } from '@mobilenet-kit/core';
import { NCHW_AXIS, type ValueTable } from './layout';
import type { OnnxWriter } from './onnx-writer';

/** What every op lowering sees. */
export interface LowerContext {
  readonly writer: OnnxWriter;
  readonly values: ValueTable;
  readonly weights: Weights;
  readonly opset: number;
}

type Lower<K extends OpName> = (node: Node<K>, ctx: LowerContext) => void;

function weight(ctx: LowerContext, node: AnyNode, param: string): WeightTensor {
  const w = ctx.weights.get(`${node.name}/${param}`);
  if (!w) throw new GraphError(`weight "${node.name}/${param}" is missing`, { node: node.name, op: node.op });
  return w;
}

/** A weight stored as is (bias, BN parameters: 1-D, the same in both layouts). */
function plainInitializer(ctx: LowerContext, node: AnyNode, param: string): string {
  const w = weight(ctx, node, param);
  return ctx.writer.floatInitializer(`${node.name}/${param}`, w.shape, w.data);
}

/** Appends a fused or standalone elementwise activation; `linear` adds nothing. */
function activate(ctx: LowerContext, x: string, fn: FusableActivation | undefined, base: string): string {
  switch (fn ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return ctx.writer.node('Relu', [x], base);
    case 'sigmoid':
      return ctx.writer.node('Sigmoid', [x], base);
    case 'relu6':
      // Clip takes min and max as inputs from opset 11 on (our minimum).
      return ctx.writer.node('Clip', [x, ctx.writer.scalar(0), ctx.writer.scalar(6)], base);
    default:
      throw new Error(`internal: activation ${String(fn)}`);
  }
}

/** ONNX pads `[top, left, bottom, right]`: TF 'same' puts the odd extra pixel at the bottom and right. */
function pads(ctx: LowerContext, node: AnyNode, kernel: readonly [number, number], strides: readonly [number, number], padding: 'same' | 'valid'): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const shape = ctx.values.shape(node.inputs[0]!);
  const [h, w] = [shape[1], shape[2]];
  if (typeof h !== 'number' || typeof w !== 'number') {
    throw new GraphError("'same' padding needs a known height and width", { node: node.name, op: node.op, actual: `[${shape.join(', ')}]` });
  }
  const [top, bottom] = samePadding(h, kernel[0], strides[0]);
  const [left, right] = samePadding(w, kernel[1], strides[1]);
  return [top, left, bottom, right];
}

/** An IR axis that may count from the end, as a non-negative one. */
function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? rank + axis : axis;
}

/**
 * One ONNX Conv for a conv2d or depthwiseConv2d node whose kernel is already
 * laid out as ONNX wants it (`[out, in / group, kh, kw]`): explicit TF pads,
 * the optional bias, then the fused activation under the node's name.
 */
function emitConv(
  ctx: LowerContext,
  node: Node<'conv2d'> | Node<'depthwiseConv2d'>,
  kernel: { readonly param: string; readonly dims: readonly number[]; readonly data: Float32Array },
  group: number,
): void {
  const { kernelSize, strides, padding, useBias, activation } = node.attrs;
  const inputs = [ctx.values.nchw(node.inputs[0]!), ctx.writer.floatInitializer(`${node.name}/${kernel.param}`, kernel.dims, kernel.data)];
  if (useBias) inputs.push(plainInitializer(ctx, node, 'bias'));
  const conv = ctx.writer.node('Conv', inputs, activation && activation !== 'linear' ? `${node.name}/conv` : node.name, {
    kernel_shape: [...kernelSize],
    strides: [...strides],
    pads: pads(ctx, node, kernelSize, strides, padding),
    dilations: [1, 1],
    group,
  });
  ctx.values.setNchw(node.name, activate(ctx, conv, activation, node.name));
}

const conv2d: Lower<'conv2d'> = (node, ctx) => {
  const { kernelSize: [kh, kw], filters } = node.attrs;
  const k = weight(ctx, node, 'kernel');
  const cin = k.shape[2]!;
  // [kh, kw, in, out] → [out, in, kh, kw]
  const oihw = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < filters; o++) oihw[((o * cin + i) * kh + y) * kw + x] = k.data[((y * kw + x) * cin + i) * filters + o]!;
  emitConv(ctx, node, { param: 'kernel', dims: [filters, cin, kh, kw], data: oihw }, 1);
};

const depthwiseConv2d: Lower<'depthwiseConv2d'> = (node, ctx) => {
  const { kernelSize: [kh, kw], depthMultiplier: m } = node.attrs;
  const k = weight(ctx, node, 'depthwise_kernel');
  const channels = k.shape[2]!;
  // [kh, kw, C, m] → [C·m, 1, kh, kw]: output channel c·m + j is group c's j-th filter, as in the IR.
  const w = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < channels; c++)
        for (let j = 0; j < m; j++) w[((c * m + j) * kh + y) * kw + x] = k.data[((y * kw + x) * channels + c) * m + j]!;
  emitConv(ctx, node, { param: 'depthwise_kernel', dims: [channels * m, 1, kh, kw], data: w }, channels);
};

const batchNorm: Lower<'batchNorm'> = (node, ctx) => {
  const x = node.inputs[0]!;
  const rank = ctx.values.rank(x);
  if (rank === 4 || rank === 2) {
    // ONNX normalizes axis 1: the channels of NCHW, the features of [N, C].
    // BatchNormalization's scale, B, mean, var: OP_PARAMS.batchNorm's order.
    const params = OP_PARAMS.batchNorm.map((p) => plainInitializer(ctx, node, p));
    const input = rank === 4 ? ctx.values.nchw(x) : ctx.values.nhwc(x);
    const y = ctx.writer.node('BatchNormalization', [input, ...params], node.name, { epsilon: { f: node.attrs.epsilon } });
    if (rank === 4) ctx.values.setNchw(node.name, y);
    else ctx.values.setNhwc(node.name, y);
    return;
  }
  // Other ranks normalize the last axis: y = x·scale + shift, broadcast along it.
  const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) => weight(ctx, node, p).data);
  const scale = new Float32Array(gamma!.length);
  const shift = new Float32Array(gamma!.length);
  for (let c = 0; c < scale.length; c++) {
    scale[c] = gamma![c]! / Math.sqrt(variance![c]! + node.attrs.epsilon);
    shift[c] = beta![c]! - mean![c]! * scale[c]!;
  }
  const mul = ctx.writer.node('Mul', [ctx.values.nhwc(x), ctx.writer.floatInitializer(`${node.name}/scale`, [scale.length], scale)], `${node.name}/scaled`);
  ctx.values.setNhwc(node.name, ctx.writer.node('Add', [mul, ctx.writer.floatInitializer(`${node.name}/shift`, [shift.length], shift)], node.name));
};

const activation: Lower<'activation'> = (node, ctx) => {
  const x = node.inputs[0]!;
  const { fn } = node.attrs;
  if (fn === 'linear') return ctx.values.alias(node.name, x);
  if (fn === 'softmax') {
    // Over the IR's last axis; on that axis opsets before 13 (2-D coercion) and after agree.
    const rank = ctx.values.rank(x);
    return ctx.values.setNhwc(node.name, ctx.writer.node('Softmax', [ctx.values.nhwc(x)], node.name, { axis: rank - 1 }));
  }
  if (ctx.values.preferNchw([x])) ctx.values.setNchw(node.name, activate(ctx, ctx.values.nchw(x), fn, node.name));
  else ctx.values.setNhwc(node.name, activate(ctx, ctx.values.nhwc(x), fn, node.name));
};

function globalPool(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): Lower<'globalAvgPool' | 'globalMaxPool'> {
  return (node, ctx) => {
    const keepDims = node.attrs.keepDims ?? false;
    const pooled = ctx.writer.node(opType, [ctx.values.nchw(node.inputs[0]!)], keepDims ? node.name : `${node.name}/pooled`);
    // [N, C, 1, 1] flattens to [N, C] in the same order as the NHWC [N, 1, 1, C].
    if (keepDims) ctx.values.setNchw(node.name, pooled);
    else ctx.values.setNhwc(node.name, ctx.writer.node('Flatten', [pooled], node.name, { axis: 1 }));
  };
}

function pool(opType: 'AveragePool' | 'MaxPool'): Lower<'avgPool' | 'maxPool'> {
  return (node, ctx) => {
    const { poolSize, strides, padding } = node.attrs;
    const attrs: Record<string, number | number[]> = { kernel_shape: [...poolSize], strides: [...strides], pads: pads(ctx, node, poolSize, strides, padding) };
    // TF averages a border window over the pixels it covers, not the padding.
    if (opType === 'AveragePool') attrs.count_include_pad = 0;
    ctx.values.setNchw(node.name, ctx.writer.node(opType, [ctx.values.nchw(node.inputs[0]!)], node.name, attrs));
  };
}

const dense: Lower<'dense'> = (node, ctx) => {
  const x = node.inputs[0]!;
  const { useBias, activation: fn } = node.attrs;
  const k = weight(ctx, node, 'kernel');
  const kernel = ctx.writer.floatInitializer(`${node.name}/kernel`, k.shape, k.data);
  const finalName = fn && fn !== 'linear' ? `${node.name}/linear` : node.name;
  let y: string;
  if (ctx.values.rank(x) === 2 && useBias) {
    y = ctx.writer.node('Gemm', [ctx.values.nhwc(x), kernel, plainInitializer(ctx, node, 'bias')], finalName, { alpha: { f: 1 }, beta: { f: 1 }, transA: 0, transB: 0 });
  } else {
    y = ctx.writer.node('MatMul', [ctx.values.nhwc(x), kernel], useBias ? `${node.name}/matmul` : finalName);
    if (useBias) y = ctx.writer.node('Add', [y, plainInitializer(ctx, node, 'bias')], finalName);
  }
  ctx.values.setNhwc(node.name, activate(ctx, y, fn, node.name));
};

const flatten: Lower<'flatten'> = (node, ctx) => {
  const x = node.inputs[0]!;
  const shape = ctx.values.shape(x);
  if (shape.length === 2) return ctx.values.alias(node.name, x);
  // With H = W = 1 the channels-first value flattens in the NHWC order: no transpose needed.
  const input = shape.length === 4 && shape[1] === 1 && shape[2] === 1 && ctx.values.hasNchw(x) ? ctx.values.nchw(x) : ctx.values.nhwc(x);
  ctx.values.setNhwc(node.name, ctx.writer.node('Flatten', [input], node.name, { axis: 1 }));
};

const reshape: Lower<'reshape'> = (node, ctx) => {
  // 0 copies the (symbolic) batch dimension of the input.
  const target = ctx.writer.int64s([0, ...node.attrs.shape]);
  ctx.values.setNhwc(node.name, ctx.writer.node('Reshape', [ctx.values.nhwc(node.inputs[0]!), target], node.name));
};

const concat: Lower<'concat'> = (node, ctx) => {
  const rank = ctx.values.rank(node.inputs[0]!);
  const axis = normalizeAxis(node.attrs.axis, rank);
  if (ctx.values.preferNchw(node.inputs)) {
    const y = ctx.writer.node('Concat', node.inputs.map((n) => ctx.values.nchw(n)), node.name, { axis: NCHW_AXIS[axis]! });
    ctx.values.setNchw(node.name, y);
  } else {
    ctx.values.setNhwc(node.name, ctx.writer.node('Concat', node.inputs.map((n) => ctx.values.nhwc(n)), node.name, { axis }));
  }
};

const add: Lower<'add'> = (node, ctx) => {
  const opType = node.inputs.length === 2 ? 'Add' : 'Sum';
  if (ctx.values.preferNchw(node.inputs)) ctx.values.setNchw(node.name, ctx.writer.node(opType, node.inputs.map((n) => ctx.values.nchw(n)), node.name));
  else ctx.values.setNhwc(node.name, ctx.writer.node(opType, node.inputs.map((n) => ctx.values.nhwc(n)), node.name));
};

const l2Normalize: Lower<'l2Normalize'> = (node, ctx) => {
  const x = node.inputs[0]!;
  const rank = ctx.values.rank(x);
  const axis = normalizeAxis(node.attrs.axis, rank);
  const nchw = ctx.values.preferNchw([x]);
  const input = nchw ? ctx.values.nchw(x) : ctx.values.nhwc(x);
  const onnxAxis = nchw ? NCHW_AXIS[axis]! : axis;
  const w = ctx.writer;
  // x / √(max(Σx², ε)); ReduceSumSquare takes its axes as an input from opset 18 on.
  const sumSquares =
    ctx.opset >= 18
      ? w.node('ReduceSumSquare', [input, w.int64s([onnxAxis])], `${node.name}/sum_squares`, { keepdims: 1 })
      : w.node('ReduceSumSquare', [input], `${node.name}/sum_squares`, { axes: [onnxAxis], keepdims: 1 });
  const floor = w.node('Max', [sumSquares, w.scalar(node.attrs.epsilon)], `${node.name}/floored`);
  const norm = w.node('Sqrt', [floor], `${node.name}/norm`);
  const y = w.node('Div', [input, norm], node.name);
  if (nchw) ctx.values.setNchw(node.name, y);
  else ctx.values.setNhwc(node.name, y);
};

const dropout: Lower<'dropout'> = (node, ctx) => ctx.values.alias(node.name, node.inputs[0]!);

const input: Lower<'input'> = () => {
  // Graph inputs are recorded by toOnnx before the nodes are lowered.
};

/** One lowering per IR op (core's OP_NAMES); a new op fails to type-check here until it has one. */
export const LOWERINGS: { readonly [K in OpName]: Lower<K> } = {
  input,
  conv2d,
  depthwiseConv2d,
  batchNorm,
  activation,
  globalAvgPool: globalPool('GlobalAveragePool'),
  globalMaxPool: globalPool('GlobalMaxPool'),
  avgPool: pool('AveragePool'),
  maxPool: pool('MaxPool'),
  dense,
  dropout,
  flatten,
  reshape,
  concat,
  add,
  l2Normalize,
};

/** The IR ops that toOnnx can write (all of core's OP_NAMES). */
export const ONNX_EXPORTABLE_OPS: readonly OpName[] = Object.keys(LOWERINGS) as OpName[];
