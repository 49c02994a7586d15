import { OP_PARAMS } from '@mobilenet-kit/core';
import { ParamNameError } from './errors';

/**
 * Name maps from our parameter names (`[<scope>/]<node>/<param>`, as core
 * names them) to the names that pretrained MobileNet v1 weights carry, so
 * that importers can map weights by name.
 *
 * - Keras as tfjs-layers stores it (`conv_dw_3/depthwise_kernel`): the h5
 *   files of keras.applications add the output slot (`…:0`), which the tfjs
 *   converter strips. Only the FC differs: our dense 'logits' is Keras's 1×1
 *   conv 'conv_preds' (kernel [1, 1, C, K] instead of [C, K]; same values in
 *   the same order).
 * - TF-slim (`MobilenetV1/Conv2d_3_depthwise/depthwise_weights`), from
 *   tensorflow/models research/slim/nets/mobilenet_v1.py: layer scopes
 *   `Conv2d_<i>`, `Conv2d_<i>_depthwise`, `Conv2d_<i>_pointwise`, batch norm
 *   under `<layer>/BatchNorm`, the FC as the 1×1 conv `Logits/Conv2d_1c_1x1`.
 */

/** What a node of the MobileNet v1 naming scheme is. */
type LayerKind = 'conv' | 'depthwise' | 'pointwise' | 'bn' | 'logits';

interface ParsedParam {
  readonly scope: string;
  readonly node: string;
  readonly param: string;
  readonly kind: LayerKind;
  /** Keras / our layer name of the conv the node belongs to (`conv_dw_3` for `conv_dw_3_bn`). */
  readonly layer: string;
  /** TF-slim scope of that layer (`Conv2d_3_depthwise`). */
  readonly slimLayer: string;
}

/** The parameters of each kind of layer: the IR's (and Keras's) names, core's OP_PARAMS. */
const PARAMS_BY_KIND: Record<LayerKind, readonly string[]> = {
  conv: OP_PARAMS.conv2d,
  pointwise: OP_PARAMS.conv2d,
  depthwise: OP_PARAMS.depthwiseConv2d,
  bn: OP_PARAMS.batchNorm,
  logits: OP_PARAMS.dense,
};

// Block ids of Table 1 (1–13); conv1 is row 0.
const BLOCK_ID = '([1-9]|1[0-3])';
const LAYER_PATTERNS: readonly { re: RegExp; kind: Exclude<LayerKind, 'bn'>; slim: (id: string) => string }[] = [
  { re: /^conv1$/, kind: 'conv', slim: () => 'Conv2d_0' },
  { re: new RegExp(`^conv_dw_${BLOCK_ID}$`), kind: 'depthwise', slim: (id) => `Conv2d_${id}_depthwise` },
  { re: new RegExp(`^conv_pw_${BLOCK_ID}$`), kind: 'pointwise', slim: (id) => `Conv2d_${id}_pointwise` },
  // 'fullConv' blocks: one standard conv per separable block, TF-slim's Conv(...) rows are scoped Conv2d_<i>.
  { re: new RegExp(`^conv_${BLOCK_ID}$`), kind: 'conv', slim: (id) => `Conv2d_${id}` },
  { re: /^logits$/, kind: 'logits', slim: () => 'Logits/Conv2d_1c_1x1' },
];

const KNOWN_NODES = 'conv1, conv_dw_N, conv_pw_N, conv_N (N = 1…13), each with a _bn node, and logits';

function parseParam(paramName: string, map: string): ParsedParam {
  if (typeof paramName !== 'string') throw new ParamNameError(paramName, map, 'a parameter name is a string <node>/<param>');
  const parts = paramName.split('/');
  if (parts.length < 2 || parts.some((p) => p === '')) {
    throw new ParamNameError(paramName, map, 'expected [<scope>/]<node>/<param>, e.g. "conv_dw_3/depthwise_kernel"');
  }
  const param = parts[parts.length - 1]!;
  const node = parts[parts.length - 2]!;
  const scope = parts.slice(0, -2).join('/');
  const isBn = node.endsWith('_bn');
  const layer = isBn ? node.slice(0, -3) : node;
  const pattern = LAYER_PATTERNS.find((p) => p.re.test(layer) && !(isBn && p.kind === 'logits'));
  if (!pattern) throw new ParamNameError(paramName, map, `node "${node}" is not a MobileNet v1 layer; known nodes: ${KNOWN_NODES}`);
  const id = /(\d+)$/.exec(layer)?.[1] ?? '0';
  const kind: LayerKind = isBn ? 'bn' : pattern.kind;
  if (!PARAMS_BY_KIND[kind].includes(param)) {
    throw new ParamNameError(paramName, map, `node "${node}" has no parameter "${param}"; allowed: ${PARAMS_BY_KIND[kind].join(', ')}`);
  }
  return { scope, node, param, kind, layer, slimLayer: pattern.slim(id) };
}

/**
 * Our parameter name → the Keras weight name as tfjs-layers stores it
 * (`conv_dw_3/depthwise_kernel`, `conv_pw_3_bn/gamma`, `logits/kernel` →
 * `conv_preds/kernel`). A scope prefix is dropped: Keras names are not scoped.
 */
export function kerasName(paramName: string): string {
  const p = parseParam(paramName, 'kerasName');
  return p.kind === 'logits' ? `conv_preds/${p.param}` : `${p.node}/${p.param}`;
}

const SLIM_PARAM: Record<string, string> = {
  kernel: 'weights',
  depthwise_kernel: 'depthwise_weights',
  bias: 'biases',
  gamma: 'gamma',
  beta: 'beta',
  moving_mean: 'moving_mean',
  moving_variance: 'moving_variance',
};

/**
 * Our parameter name → the TF-slim variable name
 * (`conv_dw_3/depthwise_kernel` → `MobilenetV1/Conv2d_3_depthwise/depthwise_weights`,
 * `conv_pw_3_bn/gamma` → `MobilenetV1/Conv2d_3_pointwise/BatchNorm/gamma`).
 * Our scope prefix is replaced by `slimScope` (TF Object Detection API
 * checkpoints use `FeatureExtractor/MobilenetV1`).
 */
export function tfSlimName(paramName: string, slimScope = 'MobilenetV1'): string {
  const p = parseParam(paramName, 'tfSlimName');
  const layer = p.kind === 'bn' ? `${p.slimLayer}/BatchNorm` : p.slimLayer;
  return `${slimScope ? `${slimScope}/` : ''}${layer}/${SLIM_PARAM[p.param]}`;
}
