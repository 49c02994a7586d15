import { GraphBuilder, type Graph } from '@mobilenet-kit/core';
import { TOP_LAYER_NAMES, resolveMobileNetV1Options, type MobileNetV1Options, type ResolvedMobileNetV1Options } from './options';
import { applyVariant, applyWidthMultiplier, numberBlocks, planLayers, type PlannedLayer } from './plan';
import { MOBILENET_V1_TABLE } from './table';

/** The convolutions of a MobileNet v1: Table 1 transformed by the variant, α and the depth multiplier. */
export function mobilenetV1Layers(options: MobileNetV1Options = {}): PlannedLayer[] {
  return layersOf(resolveMobileNetV1Options(options));
}

function layersOf(o: ResolvedMobileNetV1Options): PlannedLayer[] {
  const blocks = applyWidthMultiplier(applyVariant(numberBlocks(MOBILENET_V1_TABLE), o.variant), o.alpha);
  return planLayers(blocks, o.depthMultiplier);
}

/** Keras's model name (`mobilenet_0.75_160`), with the variant appended when it is not 'standard'. */
export function mobilenetV1GraphName(o: ResolvedMobileNetV1Options): string {
  const base = `mobilenet_${o.alpha.toFixed(2)}_${o.resolution}`;
  return o.variant === 'standard' ? base : `${base}_${o.variant}`;
}

/**
 * Builds MobileNet v1 as an IR graph. Each convolution of the plan becomes
 * conv2d / depthwiseConv2d (no bias, TF 'same' padding) → batchNorm
 * (`<layer>_bn`) → activation (`<layer>_relu`), named as in Keras. With
 * `includeTop`: globalAvgPool 'global_pool' → dropout 'dropout' → dense
 * 'logits' (an FC layer, as in the paper's Table 1; Keras uses a 1×1 conv
 * 'conv_preds' instead) → softmax 'predictions'.
 *
 * Outputs: first the main output, named after its node without the scope
 * ('predictions', 'global_pool', or the last activation such as
 * 'conv_pw_13_relu'), then one output per tap, named as the tap.
 */
export function mobilenetV1(options: MobileNetV1Options = {}): Graph {
  const o = resolveMobileNetV1Options(options);
  const layers = layersOf(o);
  const scoped = (name: string) => (o.scope ? `${o.scope}/${name}` : name);
  const b = new GraphBuilder(mobilenetV1GraphName(o));

  let x = b.input(o.inputName, [null, o.resolution, o.resolution, 3]);
  const tapNodes = new Map<string, string>();
  for (const layer of layers) {
    const kernelSize: [number, number] = [layer.kernelSize, layer.kernelSize];
    const strides: [number, number] = [layer.stride, layer.stride];
    x =
      layer.role === 'depthwise'
        ? b.add(scoped(layer.name), 'depthwiseConv2d', [x], { kernelSize, strides, padding: 'same', depthMultiplier: layer.depthMultiplier!, useBias: false })
        : b.add(scoped(layer.name), 'conv2d', [x], { filters: layer.filters!, kernelSize, strides, padding: 'same', useBias: false });
    x = b.add(scoped(`${layer.name}_bn`), 'batchNorm', [x], { epsilon: o.batchNormEpsilon });
    x = b.add(scoped(`${layer.name}_relu`), 'activation', [x], { fn: o.activation });
    tapNodes.set(layer.name, x);
  }

  let mainName = `${layers[layers.length - 1]!.name}_relu`;
  if (o.includeTop) {
    x = b.add(scoped(TOP_LAYER_NAMES.pool), 'globalAvgPool', [x], {});
    x = b.add(scoped(TOP_LAYER_NAMES.dropout), 'dropout', [x], { rate: o.dropout });
    x = b.add(scoped(TOP_LAYER_NAMES.logits), 'dense', [x], { units: o.classes, useBias: true });
    x = b.add(scoped(TOP_LAYER_NAMES.predictions), 'activation', [x], { fn: 'softmax' });
    mainName = TOP_LAYER_NAMES.predictions;
  } else if (o.pooling) {
    x = b.add(scoped(TOP_LAYER_NAMES.pool), o.pooling === 'avg' ? 'globalAvgPool' : 'globalMaxPool', [x], {});
    mainName = TOP_LAYER_NAMES.pool;
  }
  b.output(x, mainName);
  for (const tap of o.taps) b.output(tapNodes.get(tap)!, tap);
  return b.build();
}
