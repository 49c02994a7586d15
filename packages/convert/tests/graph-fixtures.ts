import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';

/**
 * tfjs graph models of TF-slim's MobileNet v1 (models/research/slim/nets/mobilenet_v1.py scopes), written the
 * way tensorflowjs_converter writes model.json: a GraphDef in protobuf's JSON mapping (int64 as strings, `s` as
 * base64, shapes as `{ dim: [{ size }] }`), Const nodes for the weights, a weights manifest whose names are the
 * Const nodes' names, and the bytes split into shards. Random but valid weights (seeded). Two layouts:
 *
 * - 'fused': what tensorflowjs_converter makes of TF Hub's classification module (imagenet/mobilenet_v1_…/
 *   classification): TF Hub's hub_input scaling ([0, 1] → [-1, 1]: Mul 2, Sub 1), batch norm folded into
 *   biases, `_FusedConv2D` / `FusedDepthwiseConv2dNative` with fused_ops [BiasAdd, Relu6], the `Mean` global
 *   pool, the 1×1 logits conv with fused_ops [BiasAdd], `SpatialSqueeze` as the output (logits).
 * - 'batchnorm': a frozen TF-slim graph: Conv2D / DepthwiseConv2dNative, FusedBatchNorm (V1 and V3),
 *   Relu6, AvgPool_1a over the whole map, the dropout left as Identity, Conv2D + BiasAdd, Squeeze, then
 *   Predictions/Reshape → Softmax → Reshape_1 as the output.
 *
 * The files are run by tfjs-converter's own loadGraphModel (loadGraphModelFromDir), the independent executor.
 */

export interface GraphFixtureOptions {
  readonly alpha: number;
  readonly resolution: number;
  readonly classes: number;
  readonly layout: 'fused' | 'batchnorm';
  readonly seed?: number;
  /** Number of shard files the weights are split into (default 2, at a byte boundary inside a tensor). */
  readonly shards?: number;
}

type Attr = Record<string, unknown>;
interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Attr;
}

const BLOCKS: readonly [number, 1 | 2][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (v: readonly number[]) => ({ list: { i: v.map(String) } });
const strs = (v: readonly string[]) => ({ list: { s: v.map(b64) } });
const str = (s: string) => ({ s: b64(s) });
const F32 = { type: 'DT_FLOAT' };
const shapeAttr = (shape: readonly number[]) => (shape.length ? { dim: shape.map((d) => ({ size: String(d) })) } : {});

/** The model.json and shards of a TF-slim MobileNet v1 graph model; returns the names of the input and of the logits and output nodes. */
export async function writeGraphModel(dir: string, o: GraphFixtureOptions): Promise<{ input: string; logits: string; output: string }> {
  let s = (o.seed ?? 3) >>> 0;
  const rand = (lo: number, hi: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return lo + (s / 2 ** 32) * (hi - lo);
  };
  const consts: NodeDef[] = [];
  const nodes: NodeDef[] = [];
  const specs: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  const chunks: Uint8Array[] = [];
  const constant = (name: string, shape: number[], values: Float32Array | Int32Array) => {
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    consts.push({ name, op: 'Const', attr: { value: { tensor: { dtype: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT', tensorShape: shapeAttr(shape) } }, dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } } });
    specs.push({ name, shape, dtype });
    chunks.push(new Uint8Array(values.buffer.slice(0)));
    return name;
  };
  const random = (name: string, shape: number[], lo: number, hi: number) => constant(name, shape, Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rand(lo, hi)));
  // He-uniform (variance 2 / fan-in), so that the signal neither vanishes nor saturates Relu6 through 27 layers.
  const kernel = (name: string, shape: number[], fanIn: number) => random(name, shape, -Math.sqrt(6 / fanIn), Math.sqrt(6 / fanIn));
  const ch = (f: number) => Math.max(Math.floor(f * o.alpha), 8);
  const convAttrs = (stride: number) => ({ T: F32, strides: ints([1, stride, stride, 1]), padding: str('SAME'), data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]) });
  const fused = o.layout === 'fused';
  const P = fused ? 'module_apply_default/' : '';
  const scope = `${P}MobilenetV1/MobilenetV1`;
  const wscope = fused ? 'module/MobilenetV1' : 'MobilenetV1';

  const input = fused ? 'images' : 'input';
  nodes.push({ name: input, op: 'Placeholder', attr: { dtype: F32, shape: { shape: shapeAttr([-1, o.resolution, o.resolution, 3]) } } });
  let x = input;
  if (fused) {
    const two = constant(`${P}hub_input/Mul/y`, [], Float32Array.of(2));
    const one = constant(`${P}hub_input/Sub/y`, [], Float32Array.of(1));
    nodes.push({ name: `${P}hub_input/Mul`, op: 'Mul', input: [x, two], attr: { T: F32 } });
    nodes.push({ name: `${P}hub_input/Sub`, op: 'Sub', input: [`${P}hub_input/Mul`, one], attr: { T: F32 } });
    x = `${P}hub_input/Sub`;
  }

  let bnCount = 0;
  /** One TF-slim conv layer: conv (+ batch norm) + Relu6, in either layout. */
  const layer = (name: string, kind: 'conv' | 'depthwise', inCh: number, outCh: number, k: number, stride: number) => {
    const filterShape = kind === 'depthwise' ? [k, k, inCh, 1] : [k, k, inCh, outCh];
    const fanIn = kind === 'depthwise' ? k * k : k * k * inCh;
    const op = kind === 'depthwise' ? 'DepthwiseConv2dNative' : 'Conv2D';
    const weightName = kind === 'depthwise' ? 'depthwise_weights' : 'weights';
    if (fused) {
      const out = `${scope}/${name}/Relu6`;
      const w = kernel(`${scope}/${name}/${kind === 'depthwise' ? 'depthwise' : 'Conv2D'}_weights`, filterShape, fanIn);
      const bias = random(`${scope}/${name}/${kind === 'depthwise' ? 'depthwise' : 'Conv2D'}_bn_offset`, [outCh], -0.2, 0.2);
      const extra = kind === 'depthwise' ? {} : { use_cudnn_on_gpu: { b: true }, explicit_paddings: { list: {} }, epsilon: { f: 0 } };
      nodes.push({ name: out, op: kind === 'depthwise' ? 'FusedDepthwiseConv2dNative' : '_FusedConv2D', input: [x, w, bias], attr: { ...convAttrs(stride), ...extra, num_args: { i: '1' }, fused_ops: strs(['BiasAdd', 'Relu6']) } });
      x = out;
      return;
    }
    const w = kernel(`${wscope}/${name}/${weightName}`, filterShape, fanIn);
    const conv = `${scope}/${name}/${kind === 'depthwise' ? 'depthwise' : 'Conv2D'}`;
    nodes.push({ name: conv, op, input: [x, w], attr: convAttrs(stride) });
    const bnParams = [
      random(`${wscope}/${name}/BatchNorm/gamma`, [outCh], 0.5, 1.5),
      random(`${wscope}/${name}/BatchNorm/beta`, [outCh], -0.2, 0.2),
      random(`${wscope}/${name}/BatchNorm/moving_mean`, [outCh], -0.2, 0.2),
      random(`${wscope}/${name}/BatchNorm/moving_variance`, [outCh], 0.5, 1.5),
    ];
    const v3 = bnCount++ % 2 === 0;
    const bn = `${scope}/${name}/BatchNorm/${v3 ? 'FusedBatchNormV3' : 'FusedBatchNorm'}`;
    nodes.push({ name: bn, op: v3 ? 'FusedBatchNormV3' : 'FusedBatchNorm', input: [conv, ...bnParams], attr: { T: F32, ...(v3 ? { U: F32 } : {}), epsilon: { f: 0.001 }, is_training: { b: false }, data_format: str('NHWC') } });
    nodes.push({ name: `${scope}/${name}/Relu6`, op: 'Relu6', input: [bn], attr: { T: F32 } });
    x = `${scope}/${name}/Relu6`;
  };

  layer('Conv2d_0', 'conv', 3, ch(32), 3, 2);
  let channels = ch(32);
  BLOCKS.forEach(([filters, stride], i) => {
    layer(`Conv2d_${i + 1}_depthwise`, 'depthwise', channels, channels, 3, stride);
    layer(`Conv2d_${i + 1}_pointwise`, 'conv', channels, ch(filters), 1, 1);
    channels = ch(filters);
  });

  const logitsScope = `${P}MobilenetV1/Logits`;
  const lw = fused ? 'module/MobilenetV1/Logits' : 'MobilenetV1/Logits';
  if (fused) {
    const axes = constant(`${logitsScope}/global_pool/reduction_indices`, [2], Int32Array.of(1, 2));
    nodes.push({ name: `${logitsScope}/global_pool`, op: 'Mean', input: [x, axes], attr: { T: F32, Tidx: { type: 'DT_INT32' }, keep_dims: { b: true } } });
    x = `${logitsScope}/global_pool`;
  } else {
    const k = Math.ceil(o.resolution / 32);
    nodes.push({ name: `${logitsScope}/AvgPool_1a/AvgPool`, op: 'AvgPool', input: [x], attr: { T: F32, ksize: ints([1, k, k, 1]), strides: ints([1, 2, 2, 1]), padding: str('VALID'), data_format: str('NHWC') } });
    nodes.push({ name: `${logitsScope}/Dropout_1b/Identity`, op: 'Identity', input: [`${logitsScope}/AvgPool_1a/AvgPool`], attr: { T: F32 } });
    x = `${logitsScope}/Dropout_1b/Identity`;
  }
  const w = kernel(`${lw}/Conv2d_1c_1x1/weights`, [1, 1, channels, o.classes], channels);
  const biases = random(`${lw}/Conv2d_1c_1x1/biases`, [o.classes], -0.5, 0.5);
  if (fused) {
    nodes.push({ name: `${logitsScope}/Conv2d_1c_1x1/BiasAdd`, op: '_FusedConv2D', input: [x, w, biases], attr: { ...convAttrs(1), use_cudnn_on_gpu: { b: true }, explicit_paddings: { list: {} }, epsilon: { f: 0 }, num_args: { i: '1' }, fused_ops: strs(['BiasAdd']) } });
  } else {
    nodes.push({ name: `${logitsScope}/Conv2d_1c_1x1/Conv2D`, op: 'Conv2D', input: [x, w], attr: convAttrs(1) });
    nodes.push({ name: `${logitsScope}/Conv2d_1c_1x1/BiasAdd`, op: 'BiasAdd', input: [`${logitsScope}/Conv2d_1c_1x1/Conv2D`, biases], attr: { T: F32, data_format: str('NHWC') } });
  }
  const logits = `${logitsScope}/SpatialSqueeze`;
  nodes.push({ name: logits, op: 'Squeeze', input: [`${logitsScope}/Conv2d_1c_1x1/BiasAdd`], attr: { T: F32, squeeze_dims: ints([1, 2]) } });
  let output = logits;
  if (!fused) {
    const shape1 = constant(`${P}MobilenetV1/Predictions/Reshape/shape`, [2], Int32Array.of(-1, o.classes));
    const shape2 = constant(`${P}MobilenetV1/Predictions/Reshape_1/shape`, [2], Int32Array.of(-1, o.classes));
    nodes.push({ name: `${P}MobilenetV1/Predictions/Reshape`, op: 'Reshape', input: [logits, shape1], attr: { T: F32, Tshape: { type: 'DT_INT32' } } });
    nodes.push({ name: `${P}MobilenetV1/Predictions/Softmax`, op: 'Softmax', input: [`${P}MobilenetV1/Predictions/Reshape`], attr: { T: F32 } });
    nodes.push({ name: `${P}MobilenetV1/Predictions/Reshape_1`, op: 'Reshape', input: [`${P}MobilenetV1/Predictions/Softmax`, shape2], attr: { T: F32, Tshape: { type: 'DT_INT32' } } });
    output = `${P}MobilenetV1/Predictions/Reshape_1`;
  }

  // Bytes in manifest order, split into shards at arbitrary byte boundaries as tensorflowjs_converter does.
  const all = Buffer.concat(chunks);
  const n = o.shards ?? 2;
  const size = Math.ceil(all.length / n);
  const paths = Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < n; i++) await writeFile(path.join(dir, paths[i]!), all.subarray(i * size, Math.min(all.length, (i + 1) * size)));
  const json = {
    format: 'graph-model',
    generatedBy: fused ? '1.15.0' : '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { node: [...consts, ...nodes], library: {}, versions: { producer: fused ? 27 : 1645 } },
    weightsManifest: [{ paths, weights: specs }],
  };
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
  return { input, logits, output };
}

/** Loads model.json and its shards from disk with tfjs-converter's own loadGraphModel (the artifacts tfjs's file loaders hand it). */
export async function loadGraphModelFromDir(dir: string): Promise<GraphModel> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const buffers = await Promise.all(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths).map((p: string) => readFile(path.join(dir, p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return loadGraphModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format, convertedBy: json.convertedBy }) });
}

export { tf };
