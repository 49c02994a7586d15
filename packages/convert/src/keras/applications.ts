import { kerasName, mobilenetV1 } from '@mobilenet-kit/backbone';
import { paramSpecs } from '@mobilenet-kit/core';
import type { ConvertedTopology, ParamSource } from './topology';

/**
 * Keras Applications' MobileNet v1 (keras/src/applications/mobilenet.py):
 * the architecture of a weights-only file, which holds no config. Built by
 * the backbone builder (same layers, names, TF 'same' padding and BN epsilon
 * as Keras), with the Keras weight each IR parameter comes from
 * (`conv_dw_3/depthwise_kernel`, `conv_pw_3_bn/moving_mean`); the builder's
 * dense 'logits' is Keras's 1×1 conv 'conv_preds' (kernel [1, 1, C, K], the
 * same values in the same order).
 */

export interface KerasApplicationsMobileNetOptions {
  readonly alpha: number;
  readonly resolution: number;
  readonly depthMultiplier: number;
  readonly includeTop: boolean;
  /** Classes of conv_preds, with includeTop. */
  readonly classes?: number;
}

/** Layer names of Keras Applications' MobileNet v1 that hold weights. */
export const KERAS_MOBILENET_WEIGHT_LAYER = /^(conv1|conv_(dw|pw)_([1-9]|1[0-3]))(_bn)?$|^conv_preds$/;
export const KERAS_MOBILENET_WEIGHT_LAYERS = 'conv1, conv_dw_N, conv_pw_N (N = 1…13), each with a _bn layer, and conv_preds';

const KERAS_CLASS: Record<string, string> = {
  conv2d: 'Conv2D',
  depthwiseConv2d: 'DepthwiseConv2D',
  batchNorm: 'BatchNormalization',
  activation: 'ReLU',
  globalAvgPool: 'GlobalAveragePooling2D',
  dropout: 'Dropout',
  dense: 'Conv2D',
};

export function kerasApplicationsMobileNet(o: KerasApplicationsMobileNetOptions): ConvertedTopology {
  const graph = mobilenetV1({
    alpha: o.alpha,
    resolution: o.resolution,
    depthMultiplier: o.depthMultiplier,
    includeTop: o.includeTop,
    ...(o.includeTop && o.classes !== undefined ? { classes: o.classes } : {}),
  });
  const params = new Map<string, ParamSource>();
  for (const spec of paramSpecs(graph)) {
    const name = kerasName(spec.name);
    const slash = name.lastIndexOf('/');
    const layer = name.slice(0, slash);
    const param = name.slice(slash + 1);
    const shape = layer === 'conv_preds' && param === 'kernel' ? [1, 1, ...spec.shape] : [...spec.shape];
    params.set(spec.name, { kind: 'weight', layer, param, shape });
  }
  const layerClasses = new Map(graph.nodes.filter((n) => KERAS_CLASS[n.op]).map((n) => [n.name, n.name === 'predictions' ? 'Activation' : KERAS_CLASS[n.op]!]));
  return { graph, params, layerClasses };
}
