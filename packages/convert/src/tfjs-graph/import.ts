import { type FusableActivation, type Graph, GraphBuilder, GraphError, ModelFormatError, OP_PARAMS, type ReadShard, type Shape, type WeightTensor, decodeWeightsManifest, formatShape, paramName, planWeightsManifest } from '@mobilenet-kit/core';
import { type ImportedModel, assembleImport } from '../imported-model';
import { type ExpectedArchitecture, recognizeMobileNet } from '../recognize';
import { isRecord, readTfjsModelJson } from '../tfjs-model-json';
import { type TfNode, attrBool, attrFloat, attrInts, attrShape, attrString, attrStrings, attrType, constShape, readGraphDef, splitTensorName } from './graph-def';

export interface ImportTfjsGraphOptions extends ExpectedArchitecture {
  /** How model.json is named in errors. Default 'model.json'. */
  readonly file?: string;
  /** Class names to use instead of those found (one per class). */
  readonly labels?: readonly string[];
  /** Upper bound on the weight bytes (default: core's 2 GiB). */
  readonly maxBytes?: number;
}

const READ_OPS =
  'Placeholder, Const, Identity, Conv2D, DepthwiseConv2dNative, _FusedConv2D / FusedDepthwiseConv2dNative (fused_ops BiasAdd[, Relu / Relu6]), BiasAdd / Add of a bias, FusedBatchNorm(V2/V3), Relu, Relu6, AvgPool, Mean, Squeeze, Reshape, Softmax, and Mul / Sub / Add / RealDiv of a scalar on the input';
const LAYER = /(?:^|\/)MobilenetV1\/(?:MobilenetV1\/)?(?:Conv2d_(\d+)(?:_(depthwise|pointwise))?|Logits\/(Conv2d_1c_1x1))(?:\/|$)/;

/** The Keras name of the TF-slim layer a node belongs to (`…/Conv2d_3_depthwise/…` → `conv_dw_3`), or undefined. */
export function slimLayerName(node: string): string | undefined {
  const m = LAYER.exec(node);
  if (!m) return undefined;
  if (m[3]) return 'conv_preds';
  if (m[2] === 'depthwise') return `conv_dw_${m[1]}`;
  if (m[2] === 'pointwise') return `conv_pw_${m[1]}`;
  return m[1] === '0' ? 'conv1' : `conv_${m[1]}`;
}

/** The output names a signature lists (`signature.outputs` or `userDefinedMetadata.signature.outputs`), if any. */
function signatureOutputs(doc: Record<string, unknown>): string[] | undefined {
  const meta = isRecord(doc.userDefinedMetadata) ? doc.userDefinedMetadata : {};
  const sig = isRecord(doc.signature) ? doc.signature : isRecord(meta.signature) ? meta.signature : undefined;
  if (!sig || !isRecord(sig.outputs)) return undefined;
  const names = Object.values(sig.outputs).flatMap((o) => (isRecord(o) && typeof o.name === 'string' ? [splitTensorName(o.name).node] : []));
  return names.length ? names : undefined;
}

/** What the value of a TF tensor is in the IR: a node, or (before the first layer) the input scaled by `scale · x + shift`. */
type Value = { kind: 'node'; node: string } | { kind: 'prelude'; node: string; steps: PreludeStep[] };
type PreludeStep = { op: 'mul' | 'add' | 'sub' | 'rsub' | 'div'; constant: string };

/**
 * Imports a tfjs graph model (model.json `{ format: 'graph-model',
 * modelTopology: GraphDef, weightsManifest }` and its shards): what
 * tensorflowjs_converter writes from the TF Hub / TF-slim MobileNet v1
 * classifiers that @tensorflow-models/mobilenet loads. Layers are found by
 * their TF-slim scopes (`MobilenetV1/Conv2d_0`, `…/Conv2d_N_depthwise`,
 * `…/Conv2d_N_pointwise`, `…/Logits/Conv2d_1c_1x1`) and named as Keras
 * names them (conv1, conv_dw_N, conv_pw_N, conv_preds) so that the network
 * is recognised as the other importers' are. Batch norm comes either as
 * FusedBatchNorm nodes or folded into biases (BiasAdd, or tfjs-converter's
 * `_FusedConv2D` / `FusedDepthwiseConv2dNative` with fused_ops
 * [BiasAdd, Relu6]). A scalar Mul / Sub / Add on the input (TF Hub's
 * `hub_input`: [0, 1] → [-1, 1]) becomes the preprocessing. Every node's op
 * and attributes, every weight's presence and shape (against the Const node,
 * the manifest and the layer), and the whole graph's shapes are checked
 * before a shard is read; an op the IR cannot express is a
 * ModelFormatError naming the node and op.
 */
export async function importTfjsGraph(modelJson: unknown, readShard: ReadShard, options: ImportTfjsGraphOptions = {}): Promise<ImportedModel> {
  const file = options.file ?? 'model.json';
  const doc = readTfjsModelJson(modelJson, 'graph-model', file);
  const tfNodes = readGraphDef(doc.modelTopology, file);
  const fail = (node: TfNode | undefined, problem: string): never => {
    throw new ModelFormatError(node ? `node "${node.name}" (${node.op}): ${problem}` : problem, { file });
  };

  if (!tfNodes.some((n) => LAYER.test(n.name))) {
    const convs = tfNodes.filter((n) => /conv/i.test(n.op)).map((n) => `"${n.name}"`);
    fail(undefined, `no MobileNet v1 found: no node lies in a TF-slim MobilenetV1/Conv2d_N scope (MobilenetV1/Conv2d_0, …/Conv2d_N_depthwise, …/Conv2d_N_pointwise, …/Logits/Conv2d_1c_1x1)${convs.length ? `; the convolutions are ${convs.slice(0, 4).join(', ')}${convs.length > 4 ? ', …' : ''}` : '; the graph has no convolution'}`);
  }

  // The manifest: every Const node needs an entry whose shape is the one the node declares.
  const plan = planWeightsManifest(doc.weightsManifest, { file, maxBytes: options.maxBytes });
  const manifest = new Map<string, readonly number[]>();
  for (const g of plan.groups) for (const w of g.weights) if (!w.skip) manifest.set(w.name, w.shape);
  const byName = new Map(tfNodes.map((n) => [n.name, n]));
  const consumers = new Map<string, TfNode[]>();
  for (const n of tfNodes) {
    for (const input of n.inputs) {
      const { node, index } = splitTensorName(input);
      if (!byName.has(node)) fail(n, `its input "${input}" is not a node of the graph`);
      if (index !== 0) fail(n, `reads output ${index} of "${node}"; only first outputs are read (a MobileNet uses no other)`);
      consumers.set(node, [...(consumers.get(node) ?? []), n]);
    }
  }
  const constOf = (n: TfNode, input: string | undefined, what: string, rank?: number): { name: string; shape: readonly number[] } => {
    const src = input !== undefined ? byName.get(splitTensorName(input).node) : undefined;
    let c = src;
    while (c && c.op === 'Identity' && c.inputs.length === 1) c = byName.get(splitTensorName(c.inputs[0]!).node);
    if (c?.op !== 'Const') fail(n, `its ${what} ("${input}") must be a Const node (a weight), it is ${c ? `a ${c.op}` : 'missing'}`);
    const shape = manifest.get(c!.name);
    if (!shape) fail(c, `weight "${c!.name}" (the ${what} of "${n.name}") has no entry in the weights manifest`);
    if (rank !== undefined && shape!.length !== rank) fail(n, `its ${what} "${c!.name}" has shape ${formatShape(shape!)}, expected rank ${rank}`);
    return { name: c!.name, shape: shape! };
  };
  for (const n of tfNodes) {
    if (n.op !== 'Const') continue;
    const declared = constShape(n);
    const inManifest = manifest.get(n.name);
    if (inManifest && declared && (declared.length !== inManifest.length || declared.some((d, i) => d !== inManifest[i]))) {
      fail(n, `declares shape ${formatShape(declared)}, the weights manifest has ${formatShape(inManifest)} for it`);
    }
  }

  // Outputs: the signature's, else every node that nothing reads (Const aside); then the nodes they need, in order.
  const outputs = signatureOutputs(doc) ?? tfNodes.filter((n) => n.op !== 'Const' && n.op !== 'NoOp' && !consumers.has(n.name)).map((n) => n.name);
  if (outputs.length === 0) fail(undefined, 'the graph has no output node');
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    const n = byName.get(name);
    if (!n) fail(undefined, `output "${name}" is not a node of the graph`);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') fail(n, 'is part of a cycle');
    state.set(name, 'visiting');
    for (const i of n!.inputs) visit(splitTensorName(i).node);
    state.set(name, 'done');
    order.push(n!);
  };
  for (const o of outputs) visit(o);

  // Phase 1: the IR graph from node ops, attributes and weight shapes (no weight value is read yet).
  const b = new GraphBuilder('mobilenet_v1');
  const values = new Map<string, Value>();
  /** IR parameter → the Const node holding it. */
  const sources = new Map<string, string>();
  /** Checks on the values of small constants (axes, shapes), run once the shards are decoded. */
  const valueChecks: ((value: (constant: string) => Float32Array) => void)[] = [];
  const skipped = new Set<string>();
  const used = new Set<string>();
  let input: { tf: TfNode; node: string } | undefined;
  const unique = (name: string) => {
    let u = name;
    for (let k = 1; used.has(u) || b.has(u); k++) u = `${name}_${k}`;
    used.add(u);
    return u;
  };
  const get = (n: TfNode, k = 0): Value => {
    const name = n.inputs[k];
    const v = name !== undefined ? values.get(splitTensorName(name).node) : undefined;
    if (!v) fail(n, `its input ${k} ("${name}") is not a tensor this importer computes (a Const where an activation belongs?)`);
    return v!;
  };
  /** The scaling of the input that the layers read (the preprocessing); one for the whole graph. */
  let inputScaling: { steps: PreludeStep[]; reader: string } | undefined;
  const softmaxes = new Set<string>();
  /** The IR node a layer reads; the input, scaled or not, ends the prelude there. */
  const node = (n: TfNode, k = 0): string => {
    const v = get(n, k);
    if (v.kind === 'prelude') {
      if (!inputScaling) inputScaling = { steps: v.steps, reader: n.name };
      else if (JSON.stringify(inputScaling.steps) !== JSON.stringify(v.steps)) fail(n, `reads the input scaled otherwise than "${inputScaling.reader}" does; one scaling of the input is read`);
    }
    return v.node;
  };
  const shapeOf = (ir: string): Shape => b.shapeOf(ir);
  const layerOf = (n: TfNode, what: string): string => {
    const layer = slimLayerName(n.name);
    if (!layer) fail(n, `a ${what} outside the TF-slim MobilenetV1 layer scopes (MobilenetV1/Conv2d_N…, Logits/Conv2d_1c_1x1) cannot be named`);
    return layer!;
  };
  /** Checks a weight's shape against what the IR node needs, and records where the parameter comes from. */
  const bind = (n: TfNode, irNode: string, param: string, constant: { name: string; shape: readonly number[] }) => {
    const spec = b.paramsOf(irNode).find((p) => p.name === paramName(irNode, param))!;
    if (spec.shape.length !== constant.shape.length || spec.shape.some((d, i) => d !== constant.shape[i])) {
      fail(n, `weight "${constant.name}" has shape ${formatShape(constant.shape)} in the file, the layer needs ${formatShape(spec.shape)}`);
    }
    sources.set(paramName(irNode, param), constant.name);
  };
  const build = <T>(n: TfNode, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof GraphError) fail(n, e.message);
      throw e;
    }
  };
  /** The single consumer of `n` when it is one of `ops`, else undefined. */
  const onlyConsumer = (n: TfNode, ops: readonly string[]): TfNode | undefined => {
    const c = consumers.get(n.name);
    return c?.length === 1 && ops.includes(c[0]!.op) && !outputs.includes(n.name) ? c[0] : undefined;
  };

  for (const n of order) {
    if (n.op === 'Const' || n.op === 'NoOp' || skipped.has(n.name)) continue;
    switch (n.op) {
      case 'Placeholder':
      case 'PlaceholderWithDefault': {
        if (input) fail(n, `a second input (the first is "${input.tf.name}"); a MobileNet has one image input`);
        const dtype = attrType(n, 'dtype');
        if (dtype !== undefined && dtype !== 'DT_FLOAT') fail(n, `has dtype ${dtype}; the image input must be DT_FLOAT`);
        const shape = attrShape(n, 'shape');
        if (shape?.length !== 4 || shape[3] !== 3) fail(n, `has shape ${shape ? formatShape(shape) : 'unknown'}, expected an RGB image batch [batch, height, width, 3]`);
        let [, h, w] = shape as number[];
        if (h! < 0 || w! < 0) {
          if (options.resolution === undefined) fail(n, `has shape ${formatShape(shape!)}: no fixed height and width; give the resolution (--resolution)`);
          h = w = options.resolution;
        }
        const ir = build(n, () => b.input(n.name, [null, h!, w!, 3]));
        input = { tf: n, node: ir };
        values.set(n.name, { kind: 'prelude', node: ir, steps: [] });
        break;
      }
      case 'Identity':
      case 'StopGradient':
      case 'Snapshot': {
        // TF 1's `weights/read`: an Identity of a Const is read where a layer takes it as a weight (constOf).
        const source = byName.get(splitTensorName(n.inputs[0] ?? '').node);
        if (source && !values.has(source.name) && constOf(n, n.inputs[0], 'value')) break;
        values.set(n.name, get(n));
        break;
      }
      case 'Mul':
      case 'Sub':
      case 'Add':
      case 'AddV2':
      case 'RealDiv':
      case 'BiasAdd': {
        const lhs = values.get(splitTensorName(n.inputs[0] ?? '').node);
        const rhs = values.get(splitTensorName(n.inputs[1] ?? '').node);
        const [v, constIndex] = lhs ? [lhs, 1] : rhs ? [rhs, 0] : fail(n, 'reads no tensor this importer computes');
        if (lhs && rhs) fail(n, `adds or multiplies two computed tensors ("${n.inputs[0]}", "${n.inputs[1]}"); the IR reads only a constant on one side here`);
        if (v.kind === 'prelude') {
          const c = constOf(n, n.inputs[constIndex], 'scalar');
          if (c.shape.reduce((a, d) => a * d, 1) !== 1) fail(n, `scales the input by ${c.name} of shape ${formatShape(c.shape)}; only a scalar (the same for every channel) is read`);
          const op = n.op === 'Mul' ? 'mul' : n.op === 'RealDiv' ? (constIndex === 1 ? 'div' : fail(n, 'divides a constant by the input')) : n.op === 'Sub' ? (constIndex === 1 ? 'sub' : 'rsub') : 'add';
          values.set(n.name, { kind: 'prelude', node: v.node, steps: [...v.steps, { op, constant: c.name }] });
          break;
        }
        fail(n, `a ${n.op} of a computed tensor and a constant is read only as the bias right after a convolution (BiasAdd / Add of a [C] Const) or as a scalar on the input; the IR has no elementwise ${n.op} here`);
        break;
      }
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const x = node(n);
        const depthwise = n.op.includes('Depthwise');
        const layer = unique(layerOf(n, 'convolution'));
        const format = attrString(n, 'data_format') ?? 'NHWC';
        if (format !== 'NHWC') fail(n, `data_format ${format}; NHWC is read`);
        const strides = attrInts(n, 'strides') ?? [1, 1, 1, 1];
        if (strides.length !== 4 || strides[0] !== 1 || strides[3] !== 1) fail(n, `strides ${JSON.stringify(strides)} are not [1, sh, sw, 1]`);
        const dilations = attrInts(n, 'dilations') ?? [1, 1, 1, 1];
        if (dilations.some((d) => d !== 1)) fail(n, `dilations ${JSON.stringify(dilations)} are not supported`);
        const pad = (attrString(n, 'padding') ?? '').toUpperCase();
        if (pad !== 'SAME' && pad !== 'VALID') fail(n, `padding "${pad}" is neither SAME nor VALID; the IR has no explicit padding`);
        const kernel = constOf(n, n.inputs[1], 'filter', 4);
        const [kh, kw, , m] = kernel.shape as [number, number, number, number];
        let bias: { name: string; shape: readonly number[] } | undefined;
        let activation: FusableActivation | undefined;
        let result = n.name;
        if (n.op.startsWith('_Fused') || n.op.startsWith('Fused')) {
          const fused = attrStrings(n, 'fused_ops') ?? [];
          if (fused[0] !== 'BiasAdd') fail(n, `fused_ops ${JSON.stringify(fused)}: only [BiasAdd] and [BiasAdd, Relu | Relu6] are read${fused[0] === 'FusedBatchNorm' ? ' (tfjs-converter itself refuses FusedBatchNorm here)' : ''}`);
          if (fused.length > 2 || (fused[1] !== undefined && fused[1] !== 'Relu' && fused[1] !== 'Relu6')) fail(n, `fused_ops ${JSON.stringify(fused)}: the activation ${fused[1]} has no IR equivalent (Relu and Relu6 are read)`);
          if (n.inputs.length !== 3) fail(n, `has ${n.inputs.length - 2} extra arguments; BiasAdd takes one (the bias)`);
          bias = constOf(n, n.inputs[2], 'bias', 1);
          activation = fused[1] === 'Relu6' ? 'relu6' : fused[1] === 'Relu' ? 'relu' : undefined;
        } else {
          const add = onlyConsumer(n, ['BiasAdd', 'Add', 'AddV2']);
          const other = add ? add.inputs.find((i) => splitTensorName(i).node !== n.name) : undefined;
          const otherNode = other ? byName.get(splitTensorName(other).node) : undefined;
          if (add && otherNode?.op === 'Const') {
            bias = constOf(add, other, 'bias', 1);
            skipped.add(add.name);
            result = add.name;
          }
        }
        const strides2: [number, number] = [strides[1]!, strides[2]!];
        const padding = pad === 'SAME' ? 'same' : 'valid';
        const ir = build(n, () =>
          depthwise
            ? b.add(layer, 'depthwiseConv2d', [x], { kernelSize: [kh, kw], strides: strides2, padding, depthMultiplier: m, useBias: bias !== undefined, ...(activation ? { activation } : {}) })
            : b.add(layer, 'conv2d', [x], { filters: m, kernelSize: [kh, kw], strides: strides2, padding, useBias: bias !== undefined, ...(activation ? { activation } : {}) }),
        );
        bind(n, ir, depthwise ? 'depthwise_kernel' : 'kernel', kernel);
        if (bias) bind(n, ir, 'bias', bias);
        values.set(result, { kind: 'node', node: ir });
        break;
      }
      case 'FusedBatchNorm':
      case 'FusedBatchNormV2':
      case 'FusedBatchNormV3': {
        const x = node(n);
        if (attrBool(n, 'is_training') === true) fail(n, 'is_training is true: batch statistics, not the moving averages; an inference graph has is_training false');
        const format = attrString(n, 'data_format') ?? 'NHWC';
        if (format !== 'NHWC') fail(n, `data_format ${format}; NHWC is read`);
        const layer = slimLayerName(n.name) ?? x;
        const ir = build(n, () => b.add(unique(`${layer}_bn`), 'batchNorm', [x], { epsilon: attrFloat(n, 'epsilon') ?? 1e-4 }));
        // FusedBatchNorm's inputs after x: scale, offset, mean, variance (OP_PARAMS.batchNorm's order).
        OP_PARAMS.batchNorm.forEach((p, k) => bind(n, ir, p, constOf(n, n.inputs[k + 1], p, 1)));
        values.set(n.name, { kind: 'node', node: ir });
        break;
      }
      case 'Relu':
      case 'Relu6': {
        const x = node(n);
        const layer = slimLayerName(n.name) ?? x;
        values.set(n.name, { kind: 'node', node: build(n, () => b.add(unique(`${layer}_relu`), 'activation', [x], { fn: n.op === 'Relu6' ? 'relu6' : 'relu' })) });
        break;
      }
      case 'AvgPool':
      case 'Mean': {
        const x = node(n);
        const s = shapeOf(x);
        if (s.length !== 4) fail(n, `pools a tensor of shape ${formatShape(s)}, expected [N, H, W, C]`);
        if (n.op === 'Mean') {
          const axes = constOf(n, n.inputs[1], 'axes');
          valueChecks.push((value) => {
            const a = [...value(axes.name)].map((v) => (v < 0 ? v + 4 : v)).sort();
            if (a.length !== 2 || a[0] !== 1 || a[1] !== 2) fail(n, `a mean over axes [${[...value(axes.name)].join(', ')}] is not a global average pool (axes [1, 2])`);
          });
          const keepDims = attrBool(n, 'keep_dims') ?? attrBool(n, 'keepDims') ?? false;
          values.set(n.name, { kind: 'node', node: build(n, () => b.add(unique('global_pool'), 'globalAvgPool', [x], { keepDims })) });
          break;
        }
        const ksize = attrInts(n, 'ksize') ?? [];
        const strides = attrInts(n, 'strides') ?? [];
        const pad = (attrString(n, 'padding') ?? '').toUpperCase();
        if (ksize.length !== 4 || ksize[0] !== 1 || ksize[3] !== 1 || strides.length !== 4) fail(n, `ksize ${JSON.stringify(ksize)} / strides ${JSON.stringify(strides)} are not [1, kh, kw, 1]`);
        if (pad !== 'SAME' && pad !== 'VALID') fail(n, `padding "${pad}" is neither SAME nor VALID`);
        // TF-slim's AvgPool_1a: a VALID pool over the whole map is the global average pool.
        if (pad === 'VALID' && ksize[1] === s[1] && ksize[2] === s[2]) {
          values.set(n.name, { kind: 'node', node: build(n, () => b.add(unique('global_pool'), 'globalAvgPool', [x], { keepDims: true })) });
        } else {
          values.set(n.name, { kind: 'node', node: build(n, () => b.add(unique('avg_pool'), 'avgPool', [x], { poolSize: [ksize[1]!, ksize[2]!], strides: [strides[1]!, strides[2]!], padding: pad === 'SAME' ? 'same' : 'valid' })) });
        }
        break;
      }
      case 'Squeeze':
      case 'Reshape': {
        const x = node(n);
        const s = shapeOf(x);
        const squareOne = s.length === 4 && s[1] === 1 && s[2] === 1;
        if (n.op === 'Squeeze') {
          const dims = (attrInts(n, 'squeeze_dims') ?? attrInts(n, 'axis') ?? []).map((d) => (d < 0 ? d + s.length : d)).sort();
          if (!squareOne || dims.length !== 2 || dims[0] !== 1 || dims[1] !== 2) fail(n, `squeezes axes ${JSON.stringify(dims)} of ${formatShape(s)}; only [N, 1, 1, C] → [N, C] (axes [1, 2]) is read`);
          values.set(n.name, { kind: 'node', node: build(n, () => b.add(unique('flatten'), 'flatten', [x], {})) });
          break;
        }
        const target = constOf(n, n.inputs[1], 'shape', 1);
        if (target.shape[0] !== 2 || !(squareOne || s.length === 2)) fail(n, `reshapes ${formatShape(s)} to a rank-${target.shape[0]} tensor; only [N, 1, 1, C] or [N, C] to [N, C] is read`);
        const channels = s[s.length - 1] as number;
        valueChecks.push((value) => {
          const t = [...value(target.name)];
          if (t[1] !== channels && !(t[1] === -1 && t[0] !== -1)) fail(n, `reshapes ${formatShape(s)} to [${t.join(', ')}]; expected [-1, ${channels}]`);
        });
        values.set(n.name, s.length === 2 ? { kind: 'node', node: x } : { kind: 'node', node: build(n, () => b.add(unique('flatten'), 'flatten', [x], {})) });
        break;
      }
      case 'Softmax': {
        const x = node(n);
        if (shapeOf(x).length !== 2) fail(n, `softmax of a tensor of shape ${formatShape(shapeOf(x))}; class scores [N, C] are read`);
        const ir = build(n, () => b.add(unique('predictions'), 'activation', [x], { fn: 'softmax' }));
        softmaxes.add(ir);
        values.set(n.name, { kind: 'node', node: ir });
        break;
      }
      default:
        fail(n, `this op is not read: the IR has no equivalent (a MobileNet v1 graph model uses ${READ_OPS})`);
    }
  }
  if (!input) fail(undefined, 'the graph has no Placeholder (image input)');

  // Graph outputs: the file's, and a softmax first when the file ends in logits (TF Hub's classifiers do).
  const notes: string[] = [];
  const outputNodes = outputs.map((o) => {
    const v = values.get(o);
    if (v?.kind !== 'node') fail(byName.get(o), 'is a graph output that this importer does not compute');
    return { name: o, node: (v as { node: string }).node };
  });
  const main = outputNodes[0]!;
  if (!outputNodes.some((o) => softmaxes.has(o.node)) && shapeOf(main.node).length === 2) {
    const sm = build(byName.get(main.name)!, () => b.add(unique('predictions'), 'activation', [main.node], { fn: 'softmax' }));
    b.output(sm, 'predictions');
    notes.push(`the file ends in logits ("${main.name}"); a softmax ("predictions") was added for classify, the logits stay an output under their name`);
  }
  // The softmax output first: it is the one classify reads.
  const sorted = [...outputNodes].sort((a, c) => Number(softmaxes.has(c.node)) - Number(softmaxes.has(a.node)));
  for (const o of sorted) b.output(o.node, o.name);
  const graph: Graph = b.build();
  const recognized = recognizeMobileNet(graph, file, options);

  // Phase 2: the shards (their sizes checked before anything is decoded), then the values.
  const decoded = await decodeWeightsManifest(doc.weightsManifest, readShard, { file, maxBytes: options.maxBytes });
  const value = (constant: string) => decoded.get(constant)!.data;
  for (const check of valueChecks) check(value);
  const weights = new Map<string, WeightTensor>();
  for (const [param, constant] of sources) {
    const w = decoded.get(constant)!;
    weights.set(param, { shape: [...w.shape], data: w.data });
  }

  // The scaling on the input becomes the preprocessing: the file takes TF Hub's [0, 1] images (pixels / 255), or,
  // with no scaling, TF-slim's [-1, 1] (pixels / 127.5 − 1).
  // TF-slim's MobileNets take [-1, 1] (pixels / 127.5 − 1).
  let preprocessing = { normalization: { divisor: 127.5, offset: -1 } };
  const steps = inputScaling?.steps ?? [];
  if (steps.length > 0) {
    let [a, c] = [1 / 255, 0];
    for (const s of steps) {
      const k = value(s.constant)[0]!;
      if (s.op === 'mul') [a, c] = [a * k, c * k];
      else if (s.op === 'div') [a, c] = [a / k, c / k];
      else if (s.op === 'add') c += k;
      else if (s.op === 'sub') c -= k;
      else [a, c] = [-a, k - c];
    }
    if (!(a > 0)) fail(undefined, `the input is scaled by ${a * 255} per pixel value: not an image normalisation`);
    preprocessing = { normalization: { divisor: +(1 / a).toPrecision(7), offset: +c.toPrecision(7) } };
    notes.push(`the file scales its input before MobilenetV1 (${steps.map((s) => s.op).join(', ')}; TF Hub's hub_input takes [0, 1] images): that scaling is the preprocessing here, the imported model's input "${input!.node}" takes the scaled image`);
  }
  return assembleImport(graph, weights, recognized, {
    format: 'tfjs-graph',
    file,
    ...(options.labels ? { labels: options.labels, labelSource: 'given' } : {}),
    preprocessing,
    notes: [`tfjs graph model${typeof doc.convertedBy === 'string' ? ` converted by ${doc.convertedBy}` : ''}: TF-slim's layers read by scope (Conv2d_0 → conv1, Conv2d_N_depthwise → conv_dw_N, Conv2d_N_pointwise → conv_pw_N, Logits/Conv2d_1c_1x1 → conv_preds)`, ...notes],
  });
}

