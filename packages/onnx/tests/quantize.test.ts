import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { type AnyNode, type Graph, type HostTensor, optimizeForInference, type Weights, type WeightTensor } from '@mobilenet-kit/core';
import { createPrng, randomWeights } from '@mobilenet-kit/core/conformance';
import { runReference } from '@mobilenet-kit/core/reference';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  CALIBRATION_METHODS,
  type CalibrationRanges,
  type CalibrationSession,
  DATA_TYPE,
  decodeOnnx,
  entropyThreshold,
  type ModelProto,
  percentileThreshold,
  quantizeOnnx,
  readFloatTensor,
  relu6Outputs,
  type TensorProto,
  toOnnx,
  toOnnxModel,
} from '../src/index';

async function openOrt(bytes: Uint8Array, level: 'all' | 'disabled' = 'all', optimizedModelFilePath?: string): Promise<CalibrationSession> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: level, logSeverityLevel: 3, ...(optimizedModelFilePath ? { optimizedModelFilePath } : {}) });
  return {
    async run(feeds) {
      const f: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', t.data, [...t.shape]);
      const out = await session.run(f);
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
    },
    dispose: () => session.release(),
  };
}

/** Smooth, photo-like test images in [-1, 1] (no two alike). */
function image(seed: number, size: number): HostTensor {
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = Math.sin((x * (c + 1)) / (7 + seed) + seed) * Math.cos(y / (5 + seed * 2) - c);
  return { shape: [1, size, size, 3], data };
}

const SIZE = 96;
const graph = mobilenetV1({ alpha: 0.25, resolution: SIZE, classes: 10, taps: ['conv_pw_1', 'conv_pw_6'] });
// Core's conformance weights keep the activations at scale 1–6 through the 13 blocks (Keras-default ones fade to 1e-14).
const weights = randomWeights(graph, createPrng(3));
const calibration = [0, 1, 2, 3, 4, 5].map((s) => ({ input: image(s, SIZE) }));
const fp32Model = toOnnxModel(graph, weights);
const quantized = quantizeOnnx(fp32Model, { open: (b) => openOrt(b), calibration });

// --- An independent fake-quant reference: the IR run node by node on core's reference interpreter, with the
// weights rounded to the per-channel int8 grid, biases to the int32 grid of s_x·s_w, and each quantized activation
// rounded to its uint8 grid. Written from the definitions, sharing no code with src/quantize.

const roundEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

function uint8Params(r: { min: number; max: number }) {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zp: Math.min(255, Math.max(0, roundEven(-lo / scale))) };
}

function fakeQuant(t: HostTensor, r: { min: number; max: number }): HostTensor {
  const { scale, zp } = uint8Params(r);
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = (Math.min(255, Math.max(0, roundEven(Math.fround(t.data[i]! / scale)) + zp)) - zp) * scale;
  return { shape: t.shape, data };
}

/** IR kernels keep the output channel on the last axis (conv [kh, kw, in, out], dense [in, out], depthwise [kh, kw, C, m] → C·m). */
function perChannelGrid(w: WeightTensor, channels: number): { data: Float32Array; scales: number[] } {
  const absMax = new Array(channels).fill(0);
  for (let i = 0; i < w.data.length; i++) absMax[i % channels] = Math.max(absMax[i % channels], Math.abs(w.data[i]!));
  const scales = absMax.map((m) => (m > 0 ? m / 127 : 1));
  const data = new Float32Array(w.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(-127, Math.min(127, roundEven(w.data[i]! / scales[i % channels]!))) * scales[i % channels]!;
  return { data, scales };
}

function fakeQuantReference(g: Graph, w: Weights, ranges: CalibrationRanges, model: ModelProto, input: HostTensor): Record<string, HostTensor> {
  const { graph: prepared, weights: pw } = optimizeForInference(g, w);
  const onnxNode = (name: string) => model.graph.node.find((n) => (n.op_type === 'Conv' || n.op_type === 'Gemm') && (n.name === name || n.name === `${name}/conv` || n.name === `${name}/linear`));
  const values = new Map<string, HostTensor>();
  for (const node of prepared.nodes) {
    if (node.op === 'input') {
      values.set(node.name, input);
      continue;
    }
    let x = values.get(node.inputs[0]!)!;
    const params = new Map<string, WeightTensor>();
    for (const [k, v] of pw) if (k.startsWith(`${node.name}/`)) params.set(k, v);
    const quantizedOp = node.op === 'conv2d' || node.op === 'depthwiseConv2d' || node.op === 'dense';
    if (quantizedOp) {
      const onnx = onnxNode(node.name)!;
      const inputRange = ranges[onnx.input[0]!]!;
      x = fakeQuant(x, inputRange);
      const kernelName = node.op === 'depthwiseConv2d' ? 'depthwise_kernel' : 'kernel';
      const k = params.get(`${node.name}/${kernelName}`)!;
      const channels = node.op === 'depthwiseConv2d' ? k.shape[2]! * k.shape[3]! : k.shape[k.shape.length - 1]!;
      const grid = perChannelGrid(k, channels);
      params.set(`${node.name}/${kernelName}`, { shape: k.shape, data: grid.data });
      const b = params.get(`${node.name}/bias`);
      if (b) {
        const sx = uint8Params(inputRange).scale;
        params.set(`${node.name}/bias`, { shape: b.shape, data: b.data.map((v, c) => roundEven(v / (sx * grid.scales[c]!)) * sx * grid.scales[c]!) });
      }
    }
    const one: Graph = {
      name: 'one',
      nodes: [{ name: 'x', op: 'input', inputs: [], attrs: { shape: [...x.shape] } } as AnyNode, { ...node, inputs: ['x'] } as AnyNode],
      outputs: [{ name: 'y', node: node.name }],
    };
    let y = runReference(one, params, { x }).y!;
    if (node.op === 'conv2d' || node.op === 'depthwiseConv2d') {
      // The ONNX tensor after the Conv and its Relu / Clip (the IR's name, or a suffixed one where a graph output took it).
      let out = onnxNode(node.name)!.output[0]!;
      const next = model.graph.node.filter((n) => n.input.includes(out));
      if (next.length === 1 && (next[0]!.op_type === 'Clip' || next[0]!.op_type === 'Relu')) out = next[0]!.output[0]!;
      y = fakeQuant(y, ranges[out]!);
    }
    values.set(node.name, y);
  }
  return Object.fromEntries(prepared.outputs.map((o) => [o.name, values.get(o.node)!]));
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The quantized tensor that a tap output copies. */
function m_tapSource(m: ModelProto, tap = 'conv_pw_6'): string {
  // Back through the output's Identity and Transpose (to NHWC) to the DequantizeLinear they read.
  let name = tap;
  while (!name.endsWith('_DequantizeLinear_Output')) name = m.graph.node.find((n) => n.output[0] === name)!.input[0]!;
  return name.replace(/_DequantizeLinear_Output$/, '');
}

const initializer = (m: ModelProto, name: string): TensorProto => m.graph.initializer.find((t) => t.name === name)!;
const int8Values = (t: TensorProto) => new Int8Array(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
const int32Values = (t: TensorProto) => new Int32Array(t.raw_data.slice().buffer);

describe('quantizeOnnx on MobileNet 0.25-96 (10 classes)', () => {
  it('writes per-channel int8 weights with scale = max |w| / 127 for each output channel, zero points 0, int32 biases at s_x·s_w', async () => {
    const q = await quantized;
    const m = q.model;
    const dqs = m.graph.node.filter((n) => n.op_type === 'DequantizeLinear' && initializer(m, n.input[0]!)?.data_type === DATA_TYPE.INT8);
    // 27 convolutions and the logits' Gemm.
    expect(dqs.length).toBe(28);
    for (const dq of dqs) {
      const original = fp32Model.graph.initializer.find((t) => `${t.name}_quantized` === dq.input[0])!;
      expect(original, dq.input[0]).toBeDefined();
      const w = readFloatTensor(original);
      const isGemm = original.dims.length === 2;
      const axis = isGemm ? 1 : 0;
      expect(dq.attribute.find((a) => a.name === 'axis')?.i ?? 1).toBe(axis);
      const channels = original.dims[axis]!;
      const inner = isGemm ? 1 : w.length / channels;
      const scales = readFloatTensor(initializer(m, dq.input[1]!));
      const zeros = int8Values(initializer(m, dq.input[2]!));
      const qw = int8Values(initializer(m, dq.input[0]!));
      expect(scales.length).toBe(channels);
      expect([...zeros].every((z) => z === 0)).toBe(true);
      const absMax = new Array(channels).fill(0);
      for (let i = 0; i < w.length; i++) {
        const c = isGemm ? i % channels : Math.floor(i / inner);
        absMax[c] = Math.max(absMax[c], Math.abs(w[i]!));
      }
      for (let c = 0; c < channels; c++) expect(scales[c]).toBeCloseTo(absMax[c] / 127, 6);
      let offGrid = 0;
      for (let i = 0; i < w.length; i++) {
        const c = isGemm ? i % channels : Math.floor(i / inner);
        // The nearest point of the grid: within half a step.
        if (Math.abs(qw[i]!) > 127 || Math.abs(qw[i]! * scales[c]! - w[i]!) > scales[c]! / 2 + 1e-7) offGrid++;
      }
      expect(offGrid).toBe(0);
    }
    // Biases: int32, scale s_x · s_w per channel, where s_x is the scale of the activation the node reads.
    const bias = m.graph.node.filter((n) => n.op_type === 'DequantizeLinear' && initializer(m, n.input[0]!)?.data_type === DATA_TYPE.INT32);
    expect(bias.length).toBe(28);
    for (const dq of bias) {
      const consumer = m.graph.node.find((n) => n.input[2] === dq.output[0])!;
      const wScales = readFloatTensor(initializer(m, m.graph.node.find((n) => n.output[0] === consumer.input[1])!.input[1]!));
      const xScale = readFloatTensor(initializer(m, m.graph.node.find((n) => n.output[0] === consumer.input[0])!.input[1]!))[0]!;
      const bScales = readFloatTensor(initializer(m, dq.input[1]!));
      for (let c = 0; c < bScales.length; c++) expect(bScales[c]).toBeCloseTo(xScale * wScales[c]!, 9);
      expect(int32Values(initializer(m, dq.input[2]!)).every((z) => z === 0)).toBe(true);
    }
    // No fp32 weight is left behind.
    expect(m.graph.initializer.filter((t) => t.data_type === DATA_TYPE.FLOAT && t.dims.length >= 2)).toEqual([]);
  });

  it('onnxruntime fuses the QDQ file: every Conv becomes a QLinearConv, the Gemm a QGemm (optimizedModelFilePath)', async () => {
    const q = await quantized;
    const file = path.join(tmpdir(), `quantize-test-${process.pid}.onnx`);
    try {
      const s = await openOrt(q.bytes, 'all', file);
      await s.dispose?.();
      const ops = decodeOnnx(new Uint8Array(readFileSync(file))).graph.node.map((n) => n.op_type);
      expect(ops.filter((o) => o === 'QLinearConv').length).toBe(27);
      expect(ops.filter((o) => o === 'QGemm').length).toBe(1);
      expect(ops.filter((o) => o === 'Conv' || o === 'Gemm' || o === 'Clip' || o === 'Relu')).toEqual([]);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("matches an independent fake-quant reference (core's interpreter on int8-grid weights and uint8-grid activations)", async () => {
    const q = await quantized;
    const input = image(11, SIZE);
    const expected = fakeQuantReference(graph, weights, q.ranges, fp32Model, input);
    // QDQ executed as written (float Q/DQ ops around float kernels): the same arithmetic as the reference.
    const literal = await openOrt(q.bytes, 'disabled');
    const fused = await openOrt(q.bytes, 'all');
    try {
      const a = await literal.run({ input });
      const b = await fused.run({ input });
      const tapSource = m_tapSource(q.model);
      const tapScale = uint8Params(q.ranges[tapSource]!).scale;
      // Float kernels sum in another order than the reference's float64 loops, which now and then moves a value
      // across a rounding boundary of the grid; one step there can become a few steps some layers later. So: nearly
      // every value on the same grid point, the rest within a few steps.
      const stats = (x: Float32Array, e: Float32Array) => {
        let same = 0;
        let worst = 0;
        for (let i = 0; i < x.length; i++) {
          const steps = Math.abs(x[i]! - e[i]!) / tapScale;
          if (steps < 1e-3) same++;
          worst = Math.max(worst, steps);
        }
        return { same: same / x.length, worst };
      };
      const early = (x: Float32Array, e: Float32Array) => {
        const step = uint8Params(q.ranges[m_tapSource(q.model, 'conv_pw_1')]!).scale;
        let same = 0;
        for (let i = 0; i < x.length; i++) if (Math.abs(x[i]! - e[i]!) / step < 1e-3) same++;
        return same / x.length;
      };
      const earlyLiteral = early(a.conv_pw_1!, expected.conv_pw_1!.data);
      const earlyFused = early(b.conv_pw_1!, expected.conv_pw_1!.data);
      const literalTap = stats(a.conv_pw_6!, expected.conv_pw_6!.data);
      const fusedTap = stats(b.conv_pw_6!, expected.conv_pw_6!.data);
      console.log(
        `fake-quant reference vs onnxruntime: at conv_pw_1 ${(100 * earlyLiteral).toFixed(2)}% / ${(100 * earlyFused).toFixed(2)}% on the same grid point; at conv_pw_6 (grid step ${tapScale.toExponential(2)}): QDQ as written ${(100 * literalTap.same).toFixed(2)}% on the same point, worst ${literalTap.worst.toFixed(2)} steps; fused int8 kernels ${(100 * fusedTap.same).toFixed(2)}%, worst ${fusedTap.worst.toFixed(2)} steps; predictions max |Δ| ${maxAbs(a.predictions!, expected.predictions!.data).toExponential(2)} / ${maxAbs(b.predictions!, expected.predictions!.data).toExponential(2)}`,
      );
      expect(earlyLiteral).toBeGreaterThan(0.999);
      expect(earlyFused).toBeGreaterThan(0.999);
      expect(literalTap.same).toBeGreaterThan(0.9);
      expect(literalTap.worst).toBeLessThanOrEqual(4);
      expect(fusedTap.same).toBeGreaterThan(0.9);
      expect(fusedTap.worst).toBeLessThanOrEqual(4);
      expect(maxAbs(a.predictions!, expected.predictions!.data)).toBeLessThan(0.02);
      expect(maxAbs(b.predictions!, expected.predictions!.data)).toBeLessThan(0.02);
    } finally {
      await literal.dispose?.();
      await fused.dispose?.();
    }
  });

  it('agrees with the fp32 model on held-out images (top-1 and probabilities)', async () => {
    const q = await quantized;
    const fp32 = await openOrt(toOnnx(graph, weights));
    const int8 = await openOrt(q.bytes);
    try {
      let worst = 0;
      let agree = 0;
      const n = 8;
      for (let s = 20; s < 20 + n; s++) {
        const input = image(s, SIZE);
        const a = (await fp32.run({ input })).predictions!;
        const b = (await int8.run({ input })).predictions!;
        worst = Math.max(worst, maxAbs(a, b));
        const argmax = (p: Float32Array) => p.indexOf(Math.max(...p));
        if (argmax(a) === argmax(b)) agree++;
      }
      expect(worst).toBeLessThan(0.05);
      expect(agree).toBeGreaterThanOrEqual(n - 1);
    } finally {
      await fp32.dispose?.();
      await int8.dispose?.();
    }
  });

  it('stored ranges quantize the same model again without images, to the same file', async () => {
    const q = await quantized;
    const again = await quantizeOnnx(toOnnx(graph, weights), { ranges: JSON.parse(JSON.stringify(q.ranges)) });
    expect(Buffer.from(again.bytes).equals(Buffer.from(q.bytes))).toBe(true);
  });
});

describe('calibration methods', () => {
  it('percentile and entropy clip the ranges that minmax takes whole, except where a Relu6 bounds the tensor; all three run on onnxruntime', async () => {
    const bytes = toOnnx(graph, weights);
    const bounded = relu6Outputs(decodeOnnx(bytes));
    // Every Conv output here is a Relu6's (27), and the global pool of the last one and the taps' copies are bounded too; the input is not.
    expect(bounded.size).toBeGreaterThanOrEqual(28);
    expect(bounded.has('global_pool')).toBe(true);
    expect(bounded.has('input/nchw')).toBe(false);
    const ranges: Record<string, CalibrationRanges> = {};
    for (const method of CALIBRATION_METHODS) ranges[method] = (await quantizeOnnx(bytes, { open: (b) => openOrt(b), calibration: calibration.slice(0, 3), method })).ranges;
    for (const [name, r] of Object.entries(ranges.minmax!)) {
      for (const method of ['percentile', 'entropy']) {
        const c = ranges[method]![name]!;
        expect(c.max, `${method} ${name}`).toBeLessThanOrEqual(r.max);
        expect(c.min, `${method} ${name}`).toBeGreaterThanOrEqual(r.min);
        if (bounded.has(name)) expect(c, `${method} ${name}`).toEqual(r);
      }
    }
  });

  it('the thresholds: a percentile of the histogram, and KL clipping a long tail', () => {
    const h = new Float64Array(2048);
    for (let i = 0; i < 2048; i++) h[i] = Math.exp(-i / 100); // mass concentrated low, a long thin tail
    expect(percentileThreshold(h, 1, 100)).toBe(1);
    const p50 = percentileThreshold(h, 1, 50);
    expect(p50).toBeGreaterThan(60 / 2048);
    expect(p50).toBeLessThan(80 / 2048);
    const t = entropyThreshold(h, 1, 128);
    expect(t).toBeGreaterThan(128 / 2048);
    expect(t).toBeLessThan(1);
    // A uniform histogram loses information under any clipping: KL keeps it whole.
    expect(entropyThreshold(new Float64Array(2048).fill(1), 1, 128)).toBe(1);
  });

  it('says what is wrong: an unknown method, no calibration images, an opset below 13', async () => {
    const bytes = toOnnx(graph, weights);
    await expect(quantizeOnnx(bytes, { open: (b) => openOrt(b), calibration, method: 'kl' as 'entropy' })).rejects.toThrow(/unknown calibration method "kl" \(use one of minmax, percentile, entropy\)/);
    await expect(quantizeOnnx(bytes, { open: (b) => openOrt(b), calibration: [] })).rejects.toThrow(/no calibration images/);
    await expect(quantizeOnnx(bytes, { calibration })).rejects.toThrow(/give `open`/);
    await expect(quantizeOnnx(toOnnx(graph, weights, { opset: 12 }), { open: (b) => openOrt(b), calibration })).rejects.toThrow(/needs opset 13 or later/);
  });
});
