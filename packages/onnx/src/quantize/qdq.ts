import type { AttributeProto, ModelProto, NodeProto, TensorProto } from '../onnx-model';
import { floatTensor, readFloatTensor } from '../onnx-model';
import { DATA_TYPE } from '../onnx-schema';
import type { CalibrationRanges, TensorRange } from './calibrate';

/** Activations: uint8 (asymmetric, onnxruntime's U8S8 with int8 weights) or int8 (asymmetric, S8S8). */
export type ActivationType = 'uint8' | 'int8';

export interface QdqOptions {
  /** Default 'uint8'. */
  readonly activationType?: ActivationType;
  /** Node names (ONNX node names, i.e. the IR's node names) to leave in float. */
  readonly excludeNodes?: readonly string[];
}

/** What quantization did, for reports and tests. */
export interface QuantizationReport {
  /** ONNX node names of the Conv / Gemm / MatMul nodes given int8 weights. */
  readonly quantizedNodes: readonly string[];
  /** Activation tensors given a QuantizeLinear / DequantizeLinear pair, with their scale and zero point. */
  readonly activations: Readonly<Record<string, { readonly scale: number; readonly zeroPoint: number }>>;
  /** Relu / Clip(0, 6) nodes removed because the uint8 range after them does the same clipping. */
  readonly removedActivations: readonly string[];
}

/** A node whose weight (and bias) get int8 / int32, and the tensors around it that get QDQ. */
export interface QuantizableNode {
  readonly node: NodeProto;
  /** The activation input (quantized). */
  readonly input: string;
  /** The output that is quantized (after a removed Relu / Clip), or undefined: the node's output stays float (Gemm, MatMul). */
  readonly output?: string;
  /** The Relu / Clip that follows and is folded into the output's range. */
  readonly activation?: NodeProto;
  /** Weight axis of the output channels: 0 for Conv [O, I/g, kh, kw], 1 for Gemm / MatMul B [K, N]. */
  readonly weightAxis: number;
}

const intAttr = (n: NodeProto, name: string): number | undefined => n.attribute.find((a) => a.name === name)?.i;

function scalarValue(initializers: ReadonlyMap<string, TensorProto>, name: string | undefined): number | undefined {
  if (name === undefined || name === '') return undefined;
  const t = initializers.get(name);
  if (!t || t.data_type !== DATA_TYPE.FLOAT) return undefined;
  const v = readFloatTensor(t);
  return v.length === 1 ? v[0] : undefined;
}

/**
 * The Conv, Gemm and MatMul nodes of an fp32 model whose weight is an
 * initializer, with the tensors around them that get quantized: every such
 * node's activation input, and a Conv's output, taken after its Relu or
 * Clip(0, 6) when that is its only consumer (the activation is then removed:
 * the uint8 range of [0, m], m ≤ 6, clips the same). Gemm and MatMul outputs
 * stay float (onnxruntime's QGemm / MatMulIntegerToFloat give float), which
 * keeps the logits and embeddings at full precision.
 */
export function quantizableNodes(model: ModelProto, options: Pick<QdqOptions, 'excludeNodes'> = {}): QuantizableNode[] {
  const g = model.graph;
  const initializers = new Map(g.initializer.map((t) => [t.name, t]));
  const consumers = new Map<string, NodeProto[]>();
  for (const n of g.node) for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const outputs = new Set(g.output.map((o) => o.name));
  const exclude = new Set(options.excludeNodes ?? []);
  const result: QuantizableNode[] = [];
  for (const node of g.node) {
    if (exclude.has(node.name)) continue;
    const [x, w] = node.input;
    if (x === undefined || w === undefined || initializers.has(x) || !initializers.has(w)) continue;
    if (initializers.get(w)!.data_type !== DATA_TYPE.FLOAT) continue;
    if (node.op_type === 'Conv') {
      if (initializers.get(w)!.dims.length !== 4) continue;
      let output = node.output[0]!;
      let activation: NodeProto | undefined;
      const next = consumers.get(output) ?? [];
      if (next.length === 1 && !outputs.has(output) && !exclude.has(next[0]!.name)) {
        const a = next[0]!;
        const isRelu = a.op_type === 'Relu';
        const isRelu6 = a.op_type === 'Clip' && scalarValue(initializers, a.input[1]) === 0 && scalarValue(initializers, a.input[2]) === 6;
        if (isRelu || isRelu6) {
          activation = a;
          output = a.output[0]!;
        }
      }
      result.push({ node, input: x, output, weightAxis: 0, ...(activation ? { activation } : {}) });
    } else if (node.op_type === 'Gemm') {
      // Our exporter writes Gemm with alpha = beta = 1, transA = 0; B is [K, N] unless transB.
      if ((intAttr(node, 'transA') ?? 0) !== 0) continue;
      const alpha = node.attribute.find((a) => a.name === 'alpha')?.f ?? 1;
      const beta = node.attribute.find((a) => a.name === 'beta')?.f ?? 1;
      if (alpha !== 1 || beta !== 1) continue;
      if (initializers.get(w)!.dims.length !== 2) continue;
      const bias = node.input[2];
      if (bias !== undefined && bias !== '' && (!initializers.has(bias) || initializers.get(bias)!.dims.length !== 1)) continue;
      result.push({ node, input: x, weightAxis: (intAttr(node, 'transB') ?? 0) === 1 ? 0 : 1 });
    } else if (node.op_type === 'MatMul') {
      if (initializers.get(w)!.dims.length !== 2) continue;
      result.push({ node, input: x, weightAxis: 1 });
    }
  }
  return result;
}

/** The activation tensors that calibration must measure for quantizeQdq. */
export function tensorsToCalibrate(model: ModelProto, options: Pick<QdqOptions, 'excludeNodes'> = {}): string[] {
  const names = new Set<string>();
  for (const q of quantizableNodes(model, options)) {
    names.add(q.input);
    if (q.output !== undefined) names.add(q.output);
  }
  return [...names];
}

/** Ops whose output lies within the range of their (first) input. */
const RANGE_KEEPING_OPS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'AveragePool', 'MaxPool', 'Flatten', 'Reshape', 'Transpose', 'Identity', 'Squeeze', 'Unsqueeze']);

/**
 * The tensors bounded by a Relu6: Conv outputs taken after a Clip(0, 6), and
 * what pooling or reshaping makes of them (a global average of Relu6 outputs
 * is in [0, 6] too). Calibrated by min / max whatever the method.
 */
export function relu6Outputs(model: ModelProto, options: Pick<QdqOptions, 'excludeNodes'> = {}): Set<string> {
  const bounded = new Set(quantizableNodes(model, options).flatMap((q) => (q.activation?.op_type === 'Clip' && q.output !== undefined ? [q.output] : [])));
  for (const n of model.graph.node) if (RANGE_KEEPING_OPS.has(n.op_type) && bounded.has(n.input[0]!)) for (const o of n.output) bounded.add(o);
  return bounded;
}

/** ONNX's rounding (QuantizeLinear): half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Scale and zero point of an asymmetric 8-bit range that holds 0 (onnxruntime's compute_scale_zp). */
export function activationParams(range: TensorRange, type: ActivationType): { scale: number; zeroPoint: number } {
  const [qmin, qmax] = type === 'uint8' ? [0, 255] : [-128, 127];
  const lo = Math.min(range.min, 0);
  const hi = Math.max(range.max, 0);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`quantize: a range is not finite ([${range.min}, ${range.max}])`);
  if (hi === lo) return { scale: 1, zeroPoint: type === 'uint8' ? 0 : 0 };
  const scale = (hi - lo) / (qmax - qmin);
  const zeroPoint = Math.min(qmax, Math.max(qmin, roundHalfEven(qmin - lo / scale)));
  return { scale, zeroPoint };
}

/** Per-channel symmetric int8: scale_c = max |w_c| / 127 (1 where a channel is all zeros), q = round(w / scale_c) in [−127, 127]. */
export function quantizeWeightPerChannel(data: Float32Array, dims: readonly number[], axis: number): { q: Int8Array; scales: Float32Array } {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const absMax = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(data[i]!));
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = absMax[c]! > 0 ? absMax[c]! / 127 : 1;
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) q[i] = Math.max(-127, Math.min(127, roundHalfEven(data[i]! / scales[channelOf(i)]!)));
  return { q, scales };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function int8Tensor(name: string, dims: readonly number[], data: Int8Array): TensorProto {
  return { name, dims: [...dims], data_type: DATA_TYPE.INT8, raw_data: bytesOf(data) };
}

function zeroPointTensor(name: string, dims: readonly number[], values: readonly number[], type: 'uint8' | 'int8' | 'int32'): TensorProto {
  if (type === 'int32') {
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setInt32(i * 4, v, true));
    return { name, dims: [...dims], data_type: DATA_TYPE.INT32, raw_data: raw };
  }
  const data = type === 'uint8' ? Uint8Array.from(values) : Int8Array.from(values);
  return { name, dims: [...dims], data_type: type === 'uint8' ? DATA_TYPE.UINT8 : DATA_TYPE.INT8, raw_data: bytesOf(data) };
}

function axisAttr(axis: number): AttributeProto {
  return { name: 'axis', type: 2, i: axis };
}

/**
 * Rewrites an fp32 model as QDQ: int8 per-channel weights and int32 biases
 * stored quantized behind DequantizeLinear (axis = the output channels),
 * and a QuantizeLinear → DequantizeLinear pair on every activation that a
 * quantized node reads or a Conv writes, with per-tensor scale and zero
 * point from the calibrated ranges. This is the form of onnxruntime's own
 * quantization tool (QDQ format, per_channel), which onnxruntime fuses into
 * QLinearConv / QGemm at graph optimization. Needs opset 13 or later
 * (per-axis DequantizeLinear).
 */
export function quantizeQdq(model: ModelProto, ranges: CalibrationRanges, options: QdqOptions = {}): { model: ModelProto; report: QuantizationReport } {
  const opset = model.opset_import.find((o) => o.domain === '' || o.domain === undefined)?.version ?? 0;
  if (opset < 13) throw new Error(`quantize: int8 needs opset 13 or later (per-channel DequantizeLinear), the model has opset ${opset}`);
  const type = options.activationType ?? 'uint8';
  if (type !== 'uint8' && type !== 'int8') throw new Error(`quantize: activationType must be 'uint8' or 'int8', got ${JSON.stringify(type)}`);
  const g = model.graph;
  const plan = quantizableNodes(model, options);
  const initializers = new Map(g.initializer.map((t) => [t.name, t]));
  const used = new Set<string>([...g.node.flatMap((n) => [...n.input, ...n.output, n.name]), ...g.initializer.map((t) => t.name), ...g.input.map((v) => v.name), ...g.output.map((v) => v.name)]);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const newInitializers: TensorProto[] = [];
  const removed = new Set<NodeProto>();
  const removedActivations: string[] = [];
  const weightNodes = new Map<NodeProto, NodeProto[]>();

  // Activations: one Q → DQ per tensor, all its readers moved to the DQ output.
  const activations: Record<string, { scale: number; zeroPoint: number }> = {};
  const qdqTensors: string[] = [];
  for (const q of plan) for (const t of q.output !== undefined ? [q.input, q.output] : [q.input]) if (!qdqTensors.includes(t)) qdqTensors.push(t);
  for (const t of qdqTensors) {
    const range = ranges[t];
    if (!range) throw new Error(`quantize: no calibrated range for tensor "${t}" (calibrate the same fp32 model first)`);
    activations[t] = activationParams(range, type);
  }

  // Conv followed by Relu / Clip(0, 6): the Conv writes the activation's output name, the activation goes.
  const renamedOutput = new Map<NodeProto, string>();
  for (const q of plan) {
    if (!q.activation || q.output === undefined) continue;
    const { zeroPoint } = activations[q.output]!;
    // The quantized range starts at 0 exactly when the zero point is the lowest code: then Q clips at 0 (and at ≤ 6 for relu6).
    const lowest = type === 'uint8' ? 0 : -128;
    const max = ranges[q.output]!.max;
    const isRelu6 = q.activation.op_type === 'Clip';
    if (zeroPoint !== lowest || (isRelu6 && max > 6)) continue;
    removed.add(q.activation);
    removedActivations.push(q.activation.name);
    renamedOutput.set(q.node, q.output);
  }

  // Weights and biases.
  for (const q of plan) {
    const wName = q.node.input[1]!;
    const w = initializers.get(wName)!;
    const { q: wq, scales } = quantizeWeightPerChannel(readFloatTensor(w), w.dims, q.weightAxis);
    const channels = scales.length;
    const wqName = fresh(`${wName}_quantized`);
    const wsName = fresh(`${wName}_scale`);
    const wzName = fresh(`${wName}_zero_point`);
    const wdqName = fresh(`${wName}_DequantizeLinear_Output`);
    newInitializers.push(int8Tensor(wqName, w.dims, wq), floatTensor(wsName, [channels], scales), zeroPointTensor(wzName, [channels], new Array(channels).fill(0), 'int8'));
    const extra: NodeProto[] = [{ input: [wqName, wsName, wzName], output: [wdqName], name: fresh(`${wName}_DequantizeLinear`), op_type: 'DequantizeLinear', attribute: [axisAttr(q.weightAxis)] }];
    const inputs = [...q.node.input];
    inputs[1] = wdqName;
    const bName = q.node.input[2];
    if (bName !== undefined && bName !== '' && initializers.has(bName)) {
      const b = readFloatTensor(initializers.get(bName)!);
      if (b.length !== channels) throw new Error(`quantize: node "${q.node.name}": bias "${bName}" has ${b.length} values for ${channels} output channels`);
      const sx = activations[q.input]!.scale;
      const bScales = new Float32Array(channels);
      const bq: number[] = [];
      for (let c = 0; c < channels; c++) {
        bScales[c] = sx * scales[c]!;
        bq.push(Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfEven(b[c]! / bScales[c]!))));
      }
      const bqName = fresh(`${bName}_quantized`);
      const bsName = fresh(`${bName}_scale`);
      const bzName = fresh(`${bName}_zero_point`);
      const bdqName = fresh(`${bName}_DequantizeLinear_Output`);
      newInitializers.push(zeroPointTensor(bqName, [channels], bq, 'int32'), floatTensor(bsName, [channels], bScales), zeroPointTensor(bzName, [channels], new Array(channels).fill(0), 'int32'));
      extra.push({ input: [bqName, bsName, bzName], output: [bdqName], name: fresh(`${bName}_DequantizeLinear`), op_type: 'DequantizeLinear', attribute: [axisAttr(0)] });
      inputs[2] = bdqName;
    }
    const out = renamedOutput.get(q.node);
    weightNodes.set(q.node, [...extra, { ...q.node, input: inputs, output: out !== undefined ? [out] : [...q.node.output] }]);
  }

  // Q → DQ after each quantized activation's producer (or at the start, for a graph input).
  const qdqAfter = new Map<string, NodeProto[]>();
  const dqName = new Map<string, string>();
  for (const t of qdqTensors) {
    const { scale, zeroPoint } = activations[t]!;
    const sName = fresh(`${t}_scale`);
    const zName = fresh(`${t}_zero_point`);
    const qName = fresh(`${t}_QuantizeLinear_Output`);
    const dName = fresh(`${t}_DequantizeLinear_Output`);
    newInitializers.push(floatTensor(sName, [], new Float32Array([scale])), zeroPointTensor(zName, [], [zeroPoint], type));
    qdqAfter.set(t, [
      { input: [t, sName, zName], output: [qName], name: fresh(`${t}_QuantizeLinear`), op_type: 'QuantizeLinear', attribute: [] },
      { input: [qName, sName, zName], output: [dName], name: fresh(`${t}_DequantizeLinear`), op_type: 'DequantizeLinear', attribute: [] },
    ]);
    dqName.set(t, dName);
  }

  const nodes: NodeProto[] = [];
  const reads = (n: NodeProto): NodeProto => ({ ...n, input: n.input.map((i) => dqName.get(i) ?? i) });
  const emitQdqOf = (tensor: string) => {
    const pair = qdqAfter.get(tensor);
    if (pair) nodes.push(...pair);
  };
  for (const t of g.input) emitQdqOf(t.name);
  for (const n of g.node) {
    if (removed.has(n)) continue;
    const replaced = weightNodes.get(n);
    for (const m of replaced ?? [n]) {
      // The Q / DQ nodes read the float tensor itself; everything else reads the DQ output.
      nodes.push(m.op_type === 'DequantizeLinear' && replaced && m !== replaced[replaced.length - 1] ? m : reads(m));
      for (const o of m.output) emitQdqOf(o);
    }
  }
  const keptInitializers = g.initializer.filter((t) => nodes.some((n) => n.input.includes(t.name)) || g.output.some((o) => o.name === t.name));
  const quantized: ModelProto = {
    ...model,
    graph: { ...g, node: nodes, initializer: [...keptInitializers, ...newInitializers] },
  };
  return { model: quantized, report: { quantizedNodes: plan.map((q) => q.node.name), activations, removedActivations } };
}
