import { type FusableActivation, GraphBuilder, type Graph, ModelFormatError, type Shape, formatShape, samePadding } from '@mobilenet-kit/core';

/**
 * Keras model configs (the JSON that `model.to_json()` writes, that
 * tensorflowjs_converter puts in a tfjs layers model.json as
 * `modelTopology`, and that an .h5 file keeps in its `model_config`
 * attribute) onto the IR. Sequential and functional models, nested in one
 * another (Teachable Machine's export is a Sequential of Sequentials holding a
 * functional MobileNet), become one flat graph whose nodes keep the Keras
 * layer names. Nothing is allocated here: the result says, for each IR
 * parameter, which Keras weight it comes from, so that the caller can check
 * names and shapes against the weight file before reading it.
 */

/** Where an IR parameter's values come from. */
export type ParamSource =
  /** A Keras weight `<layer>/<param>`; `reshape` when the IR keeps the same values under another shape (Keras's 1×1 conv over a 1×1 map as a dense). */
  | { readonly kind: 'weight'; readonly layer: string; readonly param: string; readonly shape: readonly number[] }
  /** A constant the Keras layer leaves out (BatchNormalization with `scale: false` or `center: false`). */
  | { readonly kind: 'fill'; readonly value: number; readonly shape: readonly number[] };

export interface ConvertedTopology {
  readonly graph: Graph;
  /** IR parameter name → its source, in graph parameter order. */
  readonly params: ReadonlyMap<string, ParamSource>;
  /** Keras class name of every layer that became a node, by node name (for reports). */
  readonly layerClasses: ReadonlyMap<string, string>;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 100 ? `${t.slice(0, 97)}...` : t;
};

/** A tensor inside the conversion: an IR node, possibly with a ZeroPadding2D pending on it (the IR has no pad op; a following 'valid' conv absorbs it). */
interface Value {
  readonly node: string;
  readonly pad?: readonly [readonly [number, number], readonly [number, number]];
  /** The ZeroPadding2D layer, for messages. */
  readonly padLayer?: string;
}

const MODEL_CLASSES = new Set(['Model', 'Functional', 'Sequential']);

class Converter {
  readonly b: GraphBuilder;
  readonly params = new Map<string, ParamSource>();
  readonly layerClasses = new Map<string, string>();
  /** Nodes that compute a softmax (the graph output named 'predictions' when one ends the model). */
  readonly softmaxNodes = new Set<string>();
  private readonly used = new Set<string>();

  constructor(
    name: string,
    private readonly file: string,
  ) {
    this.b = new GraphBuilder(name);
  }

  fail(problem: string, layer?: string, cls?: string): never {
    throw new ModelFormatError(layer ? `layer "${layer}"${cls ? ` (${cls})` : ''}: ${problem}` : problem, { file: this.file });
  }

  /** A node name for a Keras layer: its own name, made unique if a nested model reuses it. */
  nodeName(layer: string): string {
    let name = layer;
    for (let i = 1; this.used.has(name) || this.b.has(name); i++) name = `${layer}_${i}`;
    this.used.add(name);
    return name;
  }

  shape(v: Value): Shape {
    return this.b.shapeOf(v.node);
  }

  /** A value with no pending padding (a ZeroPadding2D that no conv absorbed is an error). */
  plain(v: Value, consumer: string, cls: string): string {
    if (v.pad && (v.pad[0][0] || v.pad[0][1] || v.pad[1][0] || v.pad[1][1])) {
      this.fail(`follows ZeroPadding2D "${v.padLayer}", which only a convolution with padding 'valid' can absorb (the IR has no padding op)`, consumer, cls);
    }
    return v.node;
  }

  input(layerName: string, cfg: Json): Value {
    const shape = (cfg.batch_input_shape ?? cfg.batch_shape ?? cfg.batchInputShape) as unknown;
    if (!Array.isArray(shape) || shape.length !== 4 || shape.slice(1).some((d) => !Number.isInteger(d) || (d as number) < 1)) {
      this.fail(`the input shape must be [batch, height, width, channels] with known sizes, got ${show(shape)}`, layerName, 'InputLayer');
    }
    const name = this.nodeName(layerName);
    this.layerClasses.set(name, 'InputLayer');
    return { node: this.b.input(name, [null, ...(shape as number[]).slice(1)]) };
  }

  weight(node: string, param: string, layer: string, kerasParam: string, shape: readonly number[]): void {
    this.params.set(`${node}/${param}`, { kind: 'weight', layer, param: kerasParam, shape });
  }

  /** Applies one (non-model) Keras layer to its inputs. */
  layer(cls: string, cfg: Json, layerName: string, inputs: readonly Value[]): Value {
    const one = () => {
      if (inputs.length !== 1) this.fail(`expects one input, got ${inputs.length}`, layerName, cls);
      return inputs[0]!;
    };
    const checkChannelsLast = () => {
      if (cfg.data_format !== undefined && cfg.data_format !== null && cfg.data_format !== 'channels_last') {
        this.fail(`data_format ${show(cfg.data_format)} is not supported (the IR is NHWC: channels_last)`, layerName, cls);
      }
    };
    const pair = (v: unknown, what: string): [number, number] => {
      const p = typeof v === 'number' ? [v, v] : v;
      if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 1)) this.fail(`${what} must be two positive integers, got ${show(v)}`, layerName, cls);
      return p as [number, number];
    };
    const activation = (v: unknown): string => (v === undefined || v === null ? 'linear' : typeof v === 'string' ? v : this.fail(`unsupported activation ${show(v)}`, layerName, cls));
    const name = () => {
      const n = this.nodeName(layerName);
      this.layerClasses.set(n, cls);
      return n;
    };
    /** Adds the activation of a conv / dense: fused when elementwise, a softmax node after it otherwise. */
    const withActivation = (node: string, act: string): Value => {
      if (act === 'softmax') {
        const sm = this.nodeName(`${node}_softmax`);
        this.layerClasses.set(sm, cls);
        this.softmaxNodes.add(sm);
        return { node: this.b.add(sm, 'activation', [node], { fn: 'softmax' }) };
      }
      return { node };
    };
    const fusable = (act: string): FusableActivation | undefined => {
      if (act === 'softmax') return undefined;
      if (act === 'linear' || act === 'relu' || act === 'relu6' || act === 'sigmoid') return act === 'linear' ? undefined : act;
      return this.fail(`unsupported activation "${act}" (supported: linear, relu, relu6, sigmoid, softmax)`, layerName, cls);
    };

    switch (cls) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        checkChannelsLast();
        const x = one();
        const kernelSize = pair(cfg.kernel_size, 'kernel_size');
        const strides = pair(cfg.strides ?? [1, 1], 'strides');
        const dilation = pair(cfg.dilation_rate ?? [1, 1], 'dilation_rate');
        if (dilation[0] !== 1 || dilation[1] !== 1) this.fail(`dilation_rate ${show(cfg.dilation_rate)} is not supported (only 1)`, layerName, cls);
        if (cfg.groups !== undefined && cfg.groups !== 1) this.fail(`groups ${show(cfg.groups)} is not supported (only 1)`, layerName, cls);
        let padding = cfg.padding;
        if (padding !== 'same' && padding !== 'valid') this.fail(`padding ${show(padding)} must be 'same' or 'valid'`, layerName, cls);
        const inShape = this.shape(x);
        if (x.pad) {
          if (padding !== 'valid') this.fail(`follows ZeroPadding2D "${x.padLayer}" but has padding 'same'; only 'valid' can absorb it`, layerName, cls);
          const same = [samePadding(inShape[1] as number, kernelSize[0], strides[0]), samePadding(inShape[2] as number, kernelSize[1], strides[1])];
          const zero = x.pad.every((p) => p[0] === 0 && p[1] === 0);
          const matches = x.pad.every((p, i) => p[0] === same[i]![0] && p[1] === same[i]![1]);
          if (matches) padding = 'same';
          else if (!zero) {
            this.fail(
              `ZeroPadding2D "${x.padLayer}" pads ${show(x.pad)} on a ${formatShape(inShape)} input; TF 'same' padding for this ${kernelSize.join('×')} stride-${strides.join('×')} window would be ${show(same)}, and the IR has no other padding`,
              layerName,
              cls,
            );
          }
        }
        const useBias = cfg.use_bias !== false;
        const act = activation(cfg.activation);
        const fused = fusable(act);
        const n = name();
        const inC = inShape[3] as number;
        if (cls === 'Conv2D') {
          const filters = cfg.filters;
          if (!Number.isInteger(filters) || (filters as number) < 1) this.fail(`filters must be a positive integer, got ${show(filters)}`, layerName, cls);
          this.b.add(n, 'conv2d', [x.node], { filters: filters as number, kernelSize, strides, padding: padding as 'same' | 'valid', useBias, ...(fused ? { activation: fused } : {}) });
          this.weight(n, 'kernel', layerName, 'kernel', [...kernelSize, inC, filters as number]);
          if (useBias) this.weight(n, 'bias', layerName, 'bias', [filters as number]);
        } else {
          const depthMultiplier = cfg.depth_multiplier ?? 1;
          if (!Number.isInteger(depthMultiplier) || (depthMultiplier as number) < 1) this.fail(`depth_multiplier must be a positive integer, got ${show(depthMultiplier)}`, layerName, cls);
          const m = depthMultiplier as number;
          this.b.add(n, 'depthwiseConv2d', [x.node], { kernelSize, strides, padding: padding as 'same' | 'valid', depthMultiplier: m, useBias, ...(fused ? { activation: fused } : {}) });
          this.weight(n, 'depthwise_kernel', layerName, 'depthwise_kernel', [...kernelSize, inC, m]);
          if (useBias) this.weight(n, 'bias', layerName, 'bias', [inC * m]);
        }
        return withActivation(n, act);
      }
      case 'ZeroPadding2D': {
        checkChannelsLast();
        const x = one();
        if (x.pad) this.fail(`follows another ZeroPadding2D "${x.padLayer}"`, layerName, cls);
        const p = cfg.padding;
        let pads: [[number, number], [number, number]];
        if (Number.isInteger(p)) pads = [[p as number, p as number], [p as number, p as number]];
        else if (Array.isArray(p) && p.length === 2 && p.every((q) => Number.isInteger(q))) pads = [[p[0], p[0]], [p[1], p[1]]];
        else if (Array.isArray(p) && p.length === 2 && p.every((q) => Array.isArray(q) && q.length === 2 && q.every((r: unknown) => Number.isInteger(r) && (r as number) >= 0)))
          pads = p as [[number, number], [number, number]];
        else this.fail(`padding must be an integer, [h, w] or [[top, bottom], [left, right]], got ${show(p)}`, layerName, cls);
        return { node: x.node, pad: pads!, padLayer: layerName };
      }
      case 'BatchNormalization': {
        const x = this.plain(one(), layerName, cls);
        const rank = this.b.shapeOf(x).length;
        const axis = Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : (cfg.axis ?? -1);
        if (axis !== -1 && axis !== rank - 1) this.fail(`axis ${show(cfg.axis)} is not supported: batch norm over the last axis (${rank - 1} or -1) only`, layerName, cls);
        const epsilon = cfg.epsilon ?? 1e-3;
        if (typeof epsilon !== 'number' || !(epsilon > 0)) this.fail(`epsilon must be a positive number, got ${show(epsilon)}`, layerName, cls);
        const n = name();
        this.b.add(n, 'batchNorm', [x], { epsilon: epsilon as number });
        const c = this.b.shapeOf(x)[rank - 1] as number;
        if (cfg.scale === false) this.params.set(`${n}/gamma`, { kind: 'fill', value: 1, shape: [c] });
        else this.weight(n, 'gamma', layerName, 'gamma', [c]);
        if (cfg.center === false) this.params.set(`${n}/beta`, { kind: 'fill', value: 0, shape: [c] });
        else this.weight(n, 'beta', layerName, 'beta', [c]);
        this.weight(n, 'moving_mean', layerName, 'moving_mean', [c]);
        this.weight(n, 'moving_variance', layerName, 'moving_variance', [c]);
        return { node: n };
      }
      case 'ReLU': {
        const x = this.plain(one(), layerName, cls);
        const max = cfg.max_value ?? cfg.maxValue ?? null;
        if ((cfg.negative_slope ?? 0) !== 0 || (cfg.threshold ?? 0) !== 0) this.fail('negative_slope and threshold other than 0 are not supported', layerName, cls);
        if (max !== null && max !== 6) this.fail(`max_value ${show(max)} is not supported (only none or 6)`, layerName, cls);
        return { node: this.b.add(name(), 'activation', [x], { fn: max === 6 ? 'relu6' : 'relu' }) };
      }
      case 'Activation': {
        const x = this.plain(one(), layerName, cls);
        const act = activation(cfg.activation);
        if (act !== 'softmax') fusable(act);
        const n = name();
        if (act === 'softmax') this.softmaxNodes.add(n);
        return { node: this.b.add(n, 'activation', [x], { fn: act as 'relu' | 'relu6' | 'sigmoid' | 'softmax' | 'linear' }) };
      }
      case 'Softmax': {
        const x = this.plain(one(), layerName, cls);
        const axis = Array.isArray(cfg.axis) ? cfg.axis[0] : (cfg.axis ?? -1);
        if (axis !== -1 && axis !== this.b.shapeOf(x).length - 1) this.fail(`softmax over axis ${show(cfg.axis)} is not supported (last axis only)`, layerName, cls);
        const n = name();
        this.softmaxNodes.add(n);
        return { node: this.b.add(n, 'activation', [x], { fn: 'softmax' }) };
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        checkChannelsLast();
        const x = this.plain(one(), layerName, cls);
        const keepDims = cfg.keepdims === true || cfg.keepDims === true;
        return { node: this.b.add(name(), cls === 'GlobalAveragePooling2D' ? 'globalAvgPool' : 'globalMaxPool', [x], keepDims ? { keepDims } : {}) };
      }
      case 'AveragePooling2D':
      case 'MaxPooling2D': {
        checkChannelsLast();
        const x = this.plain(one(), layerName, cls);
        const poolSize = pair(cfg.pool_size ?? [2, 2], 'pool_size');
        const strides = pair(cfg.strides ?? poolSize, 'strides');
        const padding = cfg.padding ?? 'valid';
        if (padding !== 'same' && padding !== 'valid') this.fail(`padding ${show(padding)} must be 'same' or 'valid'`, layerName, cls);
        return { node: this.b.add(name(), cls === 'AveragePooling2D' ? 'avgPool' : 'maxPool', [x], { poolSize, strides, padding: padding as 'same' | 'valid' }) };
      }
      case 'Dropout': {
        const x = this.plain(one(), layerName, cls);
        const rate = cfg.rate ?? 0;
        if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) this.fail(`rate must be in [0, 1), got ${show(rate)}`, layerName, cls);
        return { node: this.b.add(name(), 'dropout', [x], { rate: rate as number }) };
      }
      case 'Flatten': {
        const x = this.plain(one(), layerName, cls);
        return { node: this.b.add(name(), 'flatten', [x], {}) };
      }
      case 'Reshape': {
        const x = this.plain(one(), layerName, cls);
        const target = cfg.target_shape ?? cfg.targetShape;
        if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d))) this.fail(`target_shape must be a list of integers, got ${show(target)}`, layerName, cls);
        return { node: this.b.add(name(), 'reshape', [x], { shape: target as number[] }) };
      }
      case 'Dense': {
        const x = this.plain(one(), layerName, cls);
        const units = cfg.units;
        if (!Number.isInteger(units) || (units as number) < 1) this.fail(`units must be a positive integer, got ${show(units)}`, layerName, cls);
        const useBias = cfg.use_bias !== false;
        const act = activation(cfg.activation);
        const fused = fusable(act);
        const n = name();
        const inUnits = this.b.shapeOf(x).at(-1) as number;
        this.b.add(n, 'dense', [x], { units: units as number, useBias, ...(fused ? { activation: fused } : {}) });
        this.weight(n, 'kernel', layerName, 'kernel', [inUnits, units as number]);
        if (useBias) this.weight(n, 'bias', layerName, 'bias', [units as number]);
        return withActivation(n, act);
      }
      case 'Add':
      case 'Concatenate': {
        const xs = inputs.map((v) => this.plain(v, layerName, cls));
        if (cls === 'Add') return { node: this.b.add(name(), 'add', xs, {}) };
        return { node: this.b.add(name(), 'concat', xs, { axis: (cfg.axis as number | undefined) ?? -1 }) };
      }
      default:
        return this.fail(
          `layer class "${cls}" has no IR equivalent (supported: Conv2D, DepthwiseConv2D, BatchNormalization, ReLU, Activation, Softmax, ZeroPadding2D, Global/Average/MaxPooling2D, Dropout, Flatten, Reshape, Dense, Add, Concatenate, and nested Sequential / functional models)`,
          layerName,
          cls,
        );
    }
  }

  /** Applies a model config (Sequential or functional) to `inputs` (undefined at the top level: the model's own input layers are created). */
  model(cls: string, config: unknown, inputs: readonly Value[] | undefined, where: string): Value[] {
    // Old Keras wrote a Sequential's config as the bare list of layers.
    const cfg: Json = Array.isArray(config) ? { layers: config } : isRecord(config) ? config : this.fail(`the model config must be an object, got ${show(config)}`, where, cls);
    const layers = cfg.layers;
    if (!Array.isArray(layers) || layers.length === 0) this.fail('the model has no layers', where, cls);
    if (cls === 'Sequential') return [this.sequential(layers as unknown[], inputs, where)];
    return this.functional(cfg, layers as unknown[], inputs, where);
  }

  private layerEntry(raw: unknown, where: string): { cls: string; cfg: Json; name: string; raw: Json } {
    if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config) && !Array.isArray(raw.config)) {
      this.fail(`a layer must be { class_name, config }, got ${show(raw)}`, where);
    }
    const r = raw as Json;
    const cfg = (Array.isArray(r.config) ? { layers: r.config } : r.config) as Json;
    const name = (typeof r.name === 'string' ? r.name : typeof cfg.name === 'string' ? cfg.name : undefined) ?? this.fail(`a layer of class ${r.class_name} has no name`, where);
    return { cls: r.class_name as string, cfg, name, raw: r };
  }

  private apply(entry: { cls: string; cfg: Json; name: string }, inputs: readonly Value[], where: string): Value[] {
    if (MODEL_CLASSES.has(entry.cls)) return this.model(entry.cls, entry.cfg, inputs, entry.name);
    if (entry.cls === 'InputLayer') {
      if (inputs.length !== 1) this.fail('an InputLayer inside a model that is given inputs', entry.name, where);
      return [inputs[0]!];
    }
    return [this.layer(entry.cls, entry.cfg, entry.name, inputs)];
  }

  private sequential(layers: readonly unknown[], inputs: readonly Value[] | undefined, where: string): Value {
    let x: Value | undefined = inputs?.[0];
    if (inputs && inputs.length !== 1) this.fail(`a Sequential model takes one input, got ${inputs.length}`, where, 'Sequential');
    for (const raw of layers) {
      const entry = this.layerEntry(raw, where);
      if (x === undefined) {
        if (entry.cls === 'InputLayer') {
          x = this.input(entry.name, entry.cfg);
          continue;
        }
        // The first layer carries the input shape (tfjs-layers and Keras 2 without an InputLayer).
        const cfg = MODEL_CLASSES.has(entry.cls) ? firstLayerConfig(entry.cfg) : entry.cfg;
        if (!cfg?.batch_input_shape && !cfg?.batch_shape) this.fail('the first layer of the model declares no input shape (batch_input_shape)', entry.name, entry.cls);
        x = this.input(`${where}_input`, cfg);
        if (MODEL_CLASSES.has(entry.cls) || entry.cls === 'InputLayer') {
          x = this.apply(entry, [x], where)[0]!;
          continue;
        }
      }
      const out = this.apply(entry, [x], where);
      if (out.length !== 1) this.fail(`a layer inside a Sequential model has ${out.length} outputs`, entry.name, entry.cls);
      x = out[0]!;
    }
    return x!;
  }

  private functional(cfg: Json, layers: readonly unknown[], inputs: readonly Value[] | undefined, where: string): Value[] {
    const outputsOf = new Map<string, Value[]>();
    const inputLayers = refList(cfg.input_layers, 'input_layers', (p) => this.fail(p, where, 'Model'));
    const outputLayers = refList(cfg.output_layers, 'output_layers', (p) => this.fail(p, where, 'Model'));
    if (inputs && inputs.length !== inputLayers.length) this.fail(`takes ${inputLayers.length} inputs, given ${inputs.length}`, where, 'Model');
    for (const raw of layers) {
      const entry = this.layerEntry(raw, where);
      if (entry.cls === 'InputLayer') {
        const i = inputLayers.findIndex((r) => r[0] === entry.name);
        if (i < 0) this.fail('an InputLayer that is not among the input_layers', entry.name, entry.cls);
        outputsOf.set(entry.name, [inputs ? inputs[i]! : this.input(entry.name, entry.cfg)]);
        continue;
      }
      const inbound = inboundRefs(entry.raw.inbound_nodes, (p) => this.fail(p, entry.name, entry.cls));
      const args = inbound.map(([layer, , tensor]) => {
        const v = outputsOf.get(layer)?.[tensor];
        if (!v) this.fail(`its input "${layer}" (tensor ${tensor}) is not an earlier layer's output`, entry.name, entry.cls);
        return v!;
      });
      outputsOf.set(entry.name, this.apply(entry, args, where));
    }
    return outputLayers.map(([layer, , tensor]) => {
      const v = outputsOf.get(layer)?.[tensor];
      if (!v) this.fail(`output "${layer}" is not a layer of the model`, where, 'Model');
      return v!;
    });
  }
}

function firstLayerConfig(cfg: Json): Json | undefined {
  const first = Array.isArray(cfg.layers) ? cfg.layers[0] : undefined;
  if (!isRecord(first) || !isRecord(first.config)) return undefined;
  if (first.class_name === 'InputLayer') return first.config;
  return MODEL_CLASSES.has(first.class_name as string) ? firstLayerConfig(first.config) : first.config;
}

type Ref = [string, number, number];

function refList(v: unknown, what: string, fail: (p: string) => never): Ref[] {
  // Keras 2: [[name, node, tensor], ...]; a single input may be written as [name, node, tensor].
  const list = Array.isArray(v) && typeof v[0] === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) fail(`${what} must list [layer, node, tensor] references, got ${show(v)}`);
  return (list as unknown[]).map((r) => {
    if (!Array.isArray(r) || typeof r[0] !== 'string') fail(`${what}: bad reference ${show(r)}`);
    return [r[0] as string, Number(r[1] ?? 0), Number(r[2] ?? 0)];
  });
}

/** The input references of a layer's first call: Keras 2 `[[[name, node, tensor, kwargs], ...]]` or Keras 3 `[{ args: [{ config: { keras_history } }] }]`. */
function inboundRefs(v: unknown, fail: (p: string) => never): Ref[] {
  if (!Array.isArray(v) || v.length === 0) fail(`has no inbound_nodes (got ${show(v)})`);
  if ((v as unknown[]).length > 1) fail('is called more than once (shared layers are not supported)');
  const call = (v as unknown[])[0];
  if (Array.isArray(call)) return call.map((r) => refList([r], 'inbound_nodes', fail)[0]!);
  if (isRecord(call) && Array.isArray(call.args)) {
    const refs: Ref[] = [];
    const visit = (a: unknown): void => {
      if (Array.isArray(a)) a.forEach(visit);
      else if (isRecord(a) && isRecord(a.config) && Array.isArray(a.config.keras_history)) {
        const h = a.config.keras_history;
        refs.push([String(h[0]), Number(h[1] ?? 0), Number(h[2] ?? 0)]);
      }
    };
    visit(call.args);
    if (refs.length === 0) fail('inbound_nodes name no input tensor');
    return refs;
  }
  return fail(`unreadable inbound_nodes ${show(v)}`);
}

/**
 * The `model_config`-style object of a Keras model: `{ class_name, config }`.
 * Accepts the tfjs layers `modelTopology` (which may wrap it in `model_config`).
 */
export function kerasModelConfig(topology: unknown, file: string): { cls: string; config: unknown } {
  let t = topology;
  if (isRecord(t) && isRecord(t.model_config)) t = t.model_config;
  if (!isRecord(t) || typeof t.class_name !== 'string' || t.config === undefined) {
    throw new ModelFormatError(`the model topology must be a Keras model config { class_name, config }, got ${show(topology)}`, { file });
  }
  if (!MODEL_CLASSES.has(t.class_name)) throw new ModelFormatError(`the model topology is a "${t.class_name}", expected a Sequential or functional Model`, { file });
  return { cls: t.class_name, config: t.config };
}

/** Converts a Keras model config to an IR graph, with the Keras weight each parameter comes from. */
export function convertKerasTopology(topology: unknown, file: string): ConvertedTopology {
  const { cls, config } = kerasModelConfig(topology, file);
  const name = (isRecord(config) && typeof config.name === 'string' ? config.name : undefined) ?? 'model';
  const c = new Converter(name, file);
  const outs = c.model(cls, config, undefined, name);
  for (const v of outs) {
    const node = c.plain(v, name, cls);
    c.b.output(node, outs.length === 1 && c.softmaxNodes.has(node) ? 'predictions' : node);
  }
  return { graph: c.b.build(), params: c.params, layerClasses: c.layerClasses };
}
