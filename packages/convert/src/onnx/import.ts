import { type FusableActivation, type Graph, GraphBuilder, ModelFormatError, OP_PARAMS, type Shape, type WeightTensor, describeIndex, firstNonFinite, paramName, samePadding } from '@mobilenet-kit/core';
import { type AttributeProto, DATA_TYPE, type ModelProto, type NodeProto, type TensorProto, decodeOnnx, readFloatTensor } from '@mobilenet-kit/onnx';
import { type ImportedModel, assembleImport } from '../imported-model';
import { type ExpectedArchitecture, recognizeMobileNet } from '../recognize';

export interface ImportOnnxOptions extends ExpectedArchitecture {
  readonly file?: string;
  readonly labels?: readonly string[];
}

/** How an ONNX tensor's axes relate to the IR value it stands for (the IR is NHWC throughout). */
type Layout = 'nhwc' | 'nchw' | 'flat';
interface Value {
  /** The IR node that computes it. */
  readonly node: string;
  readonly layout: Layout;
}

function tensorValues(t: TensorProto & { float_data?: number[]; int64_data?: number[]; int32_data?: number[] }, where: string): number[] | Float32Array {
  if (t.data_type === DATA_TYPE.FLOAT) return t.raw_data?.length ? readFloatTensor(t) : Float32Array.from(t.float_data ?? []);
  if (t.data_type === DATA_TYPE.INT64) {
    if (t.raw_data?.length) {
      const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
      return Array.from({ length: t.raw_data.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    return (t.int64_data ?? []).map(Number);
  }
  if (t.data_type === DATA_TYPE.INT32) return t.raw_data?.length ? Array.from(new Int32Array(t.raw_data.slice().buffer)) : (t.int32_data ?? []);
  throw new Error(`${where}: tensor "${t.name}" has data type ${t.data_type}; float32, int32 and int64 are read`);
}

const attr = (node: NodeProto, name: string): AttributeProto | undefined => node.attribute?.find((a) => a.name === name);
const attrInt = (node: NodeProto, name: string, fallback: number) => Number(attr(node, name)?.i ?? fallback);
const attrInts = (node: NodeProto, name: string) => attr(node, name)?.ints?.map(Number);
const attrFloat = (node: NodeProto, name: string, fallback: number) => attr(node, name)?.f ?? fallback;
const attrString = (node: NodeProto, name: string) => {
  const s = (attr(node, name) as { s?: Uint8Array } | undefined)?.s;
  return s ? new TextDecoder().decode(s) : undefined;
};
const same = (a: readonly number[] | undefined, b: readonly number[]) => a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Reads an ONNX MobileNet v1 into the IR: the file `mobilenet-kit export`
 * writes (NCHW or NHWC inside), and the patterns tf2onnx / PyTorch exports
 * use for the same network (an NHWC or NCHW input, Transpose, Conv with
 * `group` for depthwise, BatchNormalization or folded BN, Relu or Clip(0, 6),
 * GlobalAveragePool or ReduceMean, Flatten / Reshape / Squeeze of a 1×1 map,
 * Gemm or MatMul + Add, Softmax; Dropout and Identity pass through). The
 * imported model takes NHWC images whatever the file's input layout.
 * Convolutions are named by position as Keras names MobileNet v1 (conv1,
 * conv_dw_N, conv_pw_N), so the network is recognised whatever the
 * producer called its nodes. Anything else is a ModelFormatError naming the
 * node and its op; explicit pads that are neither TF 'same' nor 'valid'
 * (PyTorch's symmetric padding) are refused, since the IR has no pad op.
 */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): ImportedModel {
  const file = options.file ?? 'model.onnx';
  let model: ModelProto;
  try {
    model = decodeOnnx(bytes);
  } catch (e) {
    throw new ModelFormatError((e as Error).message, { file });
  }
  const g = model.graph;
  if (!g || !Array.isArray(g.node) || g.node.length === 0) throw new ModelFormatError('holds no graph nodes: not an ONNX model', { file });
  const fail = (node: NodeProto | undefined, problem: string): never => {
    throw new ModelFormatError(node ? `node "${node.name || node.output[0]}" (${node.op_type}): ${problem}` : problem, { file });
  };

  const constants = new Map<string, { dims: number[]; values: number[] | Float32Array }>();
  for (const t of g.initializer ?? []) {
    const values = tensorValues(t, file);
    const dims = (t.dims ?? []).map(Number);
    const bad = firstNonFinite(values);
    if (bad >= 0) fail(undefined, `initializer "${t.name}" ${JSON.stringify(dims)} is not finite at ${describeIndex(bad, values[bad]!, dims)}`);
    constants.set(t.name, { dims, values });
  }
  for (const n of g.node) {
    if (n.op_type !== 'Constant') continue;
    const t = (attr(n, 'value') as { t?: TensorProto } | undefined)?.t;
    if (!t) fail(n, 'a Constant without a tensor "value" is not read');
    constants.set(n.output[0]!, { dims: (t!.dims ?? []).map(Number), values: tensorValues(t!, file) });
  }
  const constant = (node: NodeProto, name: string | undefined, what: string) => {
    const c = name ? constants.get(name) : undefined;
    if (!c) fail(node, `its ${what} ("${name}") must be a constant (an initializer)`);
    return c!;
  };

  const inputs = (g.input ?? []).filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) fail(undefined, `has ${inputs.length} graph inputs besides its weights; a MobileNet has one image input`);
  const dims = inputs[0]!.type.tensor_type.shape.dim.map((d) => ('dim_value' in d && d.dim_value !== undefined ? Number(d.dim_value) : null));
  if (dims.length !== 4) fail(undefined, `input "${inputs[0]!.name}" has rank ${dims.length}, expected an image batch of rank 4`);
  const nchwInput = dims[1] === 3 && dims[3] !== 3;
  const [h, w] = nchwInput ? [dims[2], dims[3]] : [dims[1], dims[2]];
  if (typeof h !== 'number' || typeof w !== 'number') fail(undefined, `input "${inputs[0]!.name}" ${JSON.stringify(dims)} needs a fixed height and width`);

  const b = new GraphBuilder(g.name || 'onnx');
  const values = new Map<string, Value>();
  const inputName = inputs[0]!.name;
  values.set(inputName, { node: b.input(inputName, [null, h!, w!, 3]), layout: nchwInput ? 'nchw' : 'nhwc' });
  const weights = new Map<string, WeightTensor>();
  const consumers = new Map<string, NodeProto[]>();
  for (const n of g.node) for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);

  // Keras names by position: conv1, then conv_dw_k / conv_pw_k pairs; a convolution after those is conv_preds.
  let block = 0;
  let convs = 0;
  const used = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let k = 1; used.has(n); k++) n = `${name}_${k}`;
    used.add(n);
    return n;
  };
  let lastConv = '';
  const named = (suffix: string) => unique(lastConv ? `${lastConv}_${suffix}` : suffix);
  const get = (node: NodeProto, name: string | undefined): Value => {
    const v = name ? values.get(name) : undefined;
    if (!v) fail(node, `its input "${name}" is not computed by a node this importer read`);
    return v!;
  };
  const shape = (v: Value): Shape => b.shapeOf(v.node);
  const skipped = new Set<NodeProto>();

  for (const n of g.node) {
    if (n.op_type === 'Constant' || skipped.has(n)) continue;
    const out = n.output[0]!;
    const x = () => get(n, n.input[0]);
    switch (n.op_type) {
      case 'Identity':
      case 'Dropout':
        values.set(out, x());
        break;
      case 'Transpose': {
        const v = x();
        const perm = attrInts(n, 'perm');
        if (v.layout === 'nhwc' && same(perm, [0, 3, 1, 2])) values.set(out, { node: v.node, layout: 'nchw' });
        else if (v.layout === 'nchw' && same(perm, [0, 2, 3, 1])) values.set(out, { node: v.node, layout: 'nhwc' });
        else fail(n, `perm ${JSON.stringify(perm)} on a ${v.layout} tensor is not a layout change between NHWC and NCHW`);
        break;
      }
      case 'Conv': {
        const v = x();
        if (v.layout !== 'nchw') fail(n, `reads a ${v.layout} tensor; ONNX Conv is NCHW (a Transpose [0, 3, 1, 2] is missing)`);
        const kernel = constant(n, n.input[1], 'weight');
        const [outCh, inPerGroup, kh, kw] = kernel.dims as [number, number, number, number];
        const inCh = shape(v)[3] as number;
        const group = attrInt(n, 'group', 1);
        const strides = (attrInts(n, 'strides') ?? [1, 1]) as [number, number];
        if (!same(attrInts(n, 'dilations') ?? [1, 1], [1, 1])) fail(n, `dilations ${JSON.stringify(attrInts(n, 'dilations'))} are not supported`);
        const [ih, iw] = [shape(v)[1] as number, shape(v)[2] as number];
        const autoPad = attrString(n, 'auto_pad') ?? 'NOTSET';
        const sameTf = [...samePadding(ih, kh, strides[0]), ...samePadding(iw, kw, strides[1])];
        const pads = attrInts(n, 'pads') ?? [0, 0, 0, 0];
        let padding: 'same' | 'valid';
        if (autoPad === 'SAME_UPPER') padding = 'same';
        else if (autoPad === 'VALID' || (autoPad === 'NOTSET' && pads.every((p) => p === 0))) padding = 'valid';
        else if (autoPad === 'NOTSET' && same([pads[0]!, pads[2]!, pads[1]!, pads[3]!], sameTf)) padding = 'same';
        else padding = fail(n, `pads ${JSON.stringify(pads)} (auto_pad ${autoPad}) are neither TF 'same' ([${sameTf[0]}, ${sameTf[2]}, ${sameTf[1]}, ${sameTf[3]}]) nor 'valid'; the IR has no explicit padding`);
        const bias = n.input[2] ? constant(n, n.input[2], 'bias') : undefined;
        const depthwise = group > 1;
        if (depthwise && (group !== inCh || inPerGroup !== 1 || outCh % inCh !== 0)) fail(n, `group ${group} with weight ${JSON.stringify(kernel.dims)} on ${inCh} channels is neither a plain nor a depthwise convolution`);
        if (!depthwise && inPerGroup !== inCh) fail(n, `weight ${JSON.stringify(kernel.dims)} expects ${inPerGroup} input channels, the input has ${inCh}`);
        lastConv = unique(convs === 0 && !depthwise ? 'conv1' : depthwise ? `conv_dw_${++block}` : block >= 1 && block <= 13 && !used.has(`conv_pw_${block}`) ? `conv_pw_${block}` : 'conv_preds');
        convs++;
        const src = kernel.values;
        let node: string;
        if (depthwise) {
          const m = outCh / inCh;
          const data = new Float32Array(kh * kw * inCh * m);
          // ONNX [C·m, 1, kh, kw] → IR [kh, kw, C, m]; output channel o = c·m + j in both.
          for (let o = 0; o < outCh; o++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) data[((y * kw + z) * inCh + Math.floor(o / m)) * m + (o % m)] = src[(o * kh + y) * kw + z]!;
          node = b.add(lastConv, 'depthwiseConv2d', [v.node], { kernelSize: [kh, kw], strides, padding, depthMultiplier: m, useBias: bias !== undefined });
          weights.set(`${node}/depthwise_kernel`, { shape: [kh, kw, inCh, m], data });
        } else {
          const data = new Float32Array(kh * kw * inCh * outCh);
          // ONNX [O, I, kh, kw] → IR [kh, kw, I, O].
          for (let o = 0; o < outCh; o++) for (let i = 0; i < inCh; i++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) data[((y * kw + z) * inCh + i) * outCh + o] = src[((o * inCh + i) * kh + y) * kw + z]!;
          node = b.add(lastConv, 'conv2d', [v.node], { filters: outCh, kernelSize: [kh, kw], strides, padding, useBias: bias !== undefined });
          weights.set(`${node}/kernel`, { shape: [kh, kw, inCh, outCh], data });
        }
        if (bias) weights.set(`${node}/bias`, { shape: [outCh], data: Float32Array.from(bias.values) });
        values.set(out, { node, layout: 'nchw' });
        break;
      }
      case 'BatchNormalization': {
        const v = x();
        const node = b.add(named('bn'), 'batchNorm', [v.node], { epsilon: attrFloat(n, 'epsilon', 1e-5) });
        // BatchNormalization's inputs after X: scale, B, mean, var (OP_PARAMS.batchNorm's order).
        OP_PARAMS.batchNorm.forEach((p, k) => {
          const c = constant(n, n.input[k + 1], p);
          weights.set(paramName(node, p), { shape: [c.values.length], data: Float32Array.from(c.values) });
        });
        values.set(out, { node, layout: v.layout });
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Clip': {
        const v = x();
        let fn: FusableActivation = n.op_type === 'Relu' ? 'relu' : 'sigmoid';
        if (n.op_type === 'Clip') {
          const lo = n.input[1] ? constant(n, n.input[1], 'min').values[0] : attr(n, 'min')?.f;
          const hi = n.input[2] ? constant(n, n.input[2], 'max').values[0] : attr(n, 'max')?.f;
          if (lo === 0 && hi === 6) fn = 'relu6';
          else if (lo === 0 && (hi === undefined || hi === Number.POSITIVE_INFINITY)) fn = 'relu';
          else fail(n, `Clip(${lo}, ${hi}) is neither relu (0, ∞) nor relu6 (0, 6)`);
        }
        values.set(out, { node: b.add(named(fn === 'sigmoid' ? 'sigmoid' : 'relu'), 'activation', [v.node], { fn }), layout: v.layout });
        break;
      }
      case 'Softmax': {
        const v = x();
        const rank = shape(v).length;
        const axis = attrInt(n, 'axis', model.opset_import?.[0] && model.opset_import[0].version < 13 ? 1 : -1);
        if (rank !== 2 || (axis !== 1 && axis !== -1)) fail(n, `softmax over axis ${axis} of a rank-${rank} tensor; the last axis of class scores is read`);
        values.set(out, { node: b.add(unique('predictions'), 'activation', [v.node], { fn: 'softmax' }), layout: 'flat' });
        break;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool':
      case 'ReduceMean': {
        const v = x();
        if (v.layout === 'flat') fail(n, 'pools a flat tensor');
        if (n.op_type === 'ReduceMean') {
          const axes = attrInts(n, 'axes') ?? (n.input[1] ? Array.from(constant(n, n.input[1], 'axes').values) : undefined);
          const spatial = v.layout === 'nchw' ? [2, 3] : [1, 2];
          if (!same(axes, spatial)) fail(n, `ReduceMean over axes ${JSON.stringify(axes)} of a ${v.layout} map is not a global average pool (axes ${JSON.stringify(spatial)})`);
        }
        const keepDims = n.op_type !== 'ReduceMean' || attrInt(n, 'keepdims', 1) === 1;
        const node = b.add(unique(n.op_type === 'GlobalMaxPool' ? 'global_max_pool' : 'global_pool'), n.op_type === 'GlobalMaxPool' ? 'globalMaxPool' : 'globalAvgPool', [v.node], { keepDims });
        values.set(out, { node, layout: keepDims ? v.layout : 'flat' });
        break;
      }
      case 'Flatten':
      case 'Reshape':
      case 'Squeeze': {
        const v = x();
        const s = shape(v);
        let target: number[] | undefined;
        if (n.op_type === 'Reshape') target = Array.from(constant(n, n.input[1], 'shape').values);
        const channels = s[s.length - 1] as number;
        if (v.layout !== 'flat' && s.length === 4 && s[1] === 1 && s[2] === 1) {
          // A 1×1 map to [N, C]: the same values in either layout.
          if (target && !(target.length === 2 && (target[1] === channels || target[1] === -1))) fail(n, `reshapes [N, 1, 1, ${channels}] to ${JSON.stringify(target)}`);
          values.set(out, { node: b.add(unique('flatten'), 'flatten', [v.node], {}), layout: 'flat' });
        } else if (v.layout === 'flat' && n.op_type === 'Reshape' && target && target.length === 4) {
          // [N, C] to a 1×1 map (Keras's Reshape before conv_preds), laid out as the target says.
          const nchw = target[1] === channels && target[2] === 1 && target[3] === 1;
          const nhwc = target[1] === 1 && target[2] === 1 && target[3] === channels;
          if (!nchw && !nhwc) fail(n, `reshapes [N, ${channels}] to ${JSON.stringify(target)}`);
          values.set(out, { node: b.add(unique('reshape'), 'reshape', [v.node], { shape: [1, 1, channels] }), layout: nchw ? 'nchw' : 'nhwc' });
        } else if (v.layout === 'flat' && (!target || target.length === 2)) values.set(out, v);
        else fail(n, `reshaping a ${v.layout} tensor of shape ${JSON.stringify(s)} is supported only between [N, C] and a 1×1 map`);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const v = x();
        if (v.layout !== 'flat') fail(n, `reads a ${v.layout} map; a dense layer reads [N, C] (a Flatten is missing)`);
        if (n.op_type === 'Gemm' && (attrInt(n, 'transA', 0) !== 0 || attrFloat(n, 'alpha', 1) !== 1 || attrFloat(n, 'beta', 1) !== 1)) fail(n, 'transA, alpha and beta other than 0, 1, 1 are not read');
        const k = constant(n, n.input[1], 'weight');
        const transB = n.op_type === 'Gemm' && attrInt(n, 'transB', 0) === 1;
        const [inU, units] = transB ? [k.dims[1]!, k.dims[0]!] : [k.dims[0]!, k.dims[1]!];
        const data = new Float32Array(inU * units);
        for (let i = 0; i < inU; i++) for (let o = 0; o < units; o++) data[i * units + o] = k.values[transB ? o * inU + i : i * units + o]!;
        // MatMul then Add of a constant vector is one dense layer with a bias.
        let bias = n.op_type === 'Gemm' && n.input[2] ? constant(n, n.input[2], 'bias') : undefined;
        let result = out;
        const next = consumers.get(out);
        if (n.op_type === 'MatMul' && next?.length === 1 && next[0]!.op_type === 'Add' && constants.has(next[0]!.input[1] ?? '')) {
          bias = constants.get(next[0]!.input[1]!)!;
          skipped.add(next[0]!);
          result = next[0]!.output[0]!;
        }
        const node = b.add(unique('logits'), 'dense', [v.node], { units, useBias: bias !== undefined });
        weights.set(`${node}/kernel`, { shape: [inU, units], data });
        if (bias) weights.set(`${node}/bias`, { shape: [units], data: Float32Array.from(bias.values) });
        values.set(result, { node, layout: 'flat' });
        break;
      }
      case 'Add': {
        const [a, c] = [get(n, n.input[0]), get(n, n.input[1])];
        if (a.layout !== c.layout) fail(n, `adds a ${a.layout} and a ${c.layout} tensor`);
        values.set(out, { node: b.add(unique('add'), 'add', [a.node, c.node], {}), layout: a.layout });
        break;
      }
      default:
        fail(n, 'this op is not read (a MobileNet v1 uses Conv, BatchNormalization, Relu / Clip, GlobalAveragePool, Flatten / Reshape, Gemm / MatMul, Softmax)');
    }
  }
  for (const o of g.output ?? []) {
    const v = values.get(o.name);
    if (!v) fail(undefined, `graph output "${o.name}" is not computed by a node this importer read`);
    b.output(v!.node, o.name);
  }
  const graph: Graph = b.build();
  const recognized = recognizeMobileNet(graph, file, options);
  return assembleImport(graph, weights, recognized, {
    format: 'onnx',
    file,
    ...(options.labels ? { labels: options.labels, labelSource: 'given' } : {}),
    notes: [`ONNX from ${model.producer_name || 'an unnamed producer'} ${model.producer_version ?? ''}, opset ${model.opset_import?.[0]?.version ?? '?'}; input ${nchwInput ? 'NCHW in the file, NHWC here' : 'NHWC'}`.replace(/ {2,}/g, ' ')],
  });
}
