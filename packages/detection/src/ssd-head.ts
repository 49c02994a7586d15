import { GraphBuilder, analyzeGraph, type Graph } from '@mobilenet-kit/core';
import { anchorsPerLocation, resolveSsdAnchorOptions, type SsdAnchorOptions } from './anchors';
import { DetectionOptionError, checkKnownOptions, checkPositiveInteger, checkPositiveNumber } from './errors';

/** One extra feature layer: a 1×1 conv to `bottleneck` channels, then a 3×3 stride-2 conv to `depth` channels. */
export interface ExtraLayerSpec {
  readonly bottleneck: number;
  readonly depth: number;
}

/**
 * The extra layers of TF-OD's SSD MobileNetV1 feature extractor
 * (ssd_mobilenet_v1_feature_extractor.py: `layer_depth` [-1, -1, 512, 256,
 * 256, 128], each preceded by a 1×1 conv of half that depth); face-api's
 * model has the same four pairs (PAPER.md, last section).
 */
export const SSD_MOBILENET_V1_EXTRA_LAYERS: readonly ExtraLayerSpec[] = Object.freeze([
  { bottleneck: 256, depth: 512 },
  { bottleneck: 128, depth: 256 },
  { bottleneck: 128, depth: 256 },
  { bottleneck: 64, depth: 128 },
]);

/**
 * How the extra layers normalize: `'batchNorm'` (conv → batchNorm → relu6,
 * TF-OD's training form) or `'bias'` (conv with bias → relu6: batch norm
 * already folded, as in face-api's weights).
 */
export type ExtraLayerNormalization = 'batchNorm' | 'bias';

export interface SsdHeadOptions {
  /** Foreground classes; predictors emit `numClasses + 1` logits per anchor (class 0 = background). */
  numClasses: number;
  /** Anchor generator options; they fix the anchors per location of each predictor. Default TF-OD's. */
  anchors?: SsdAnchorOptions;
  /** Extra feature layers after the backbone. Default SSD_MOBILENET_V1_EXTRA_LAYERS. */
  extraLayers?: readonly ExtraLayerSpec[];
  /** Backbone outputs the predictors read, finest first. Default ['conv_pw_11', 'conv_pw_13']; the extra layers grow from the last. */
  taps?: readonly string[];
  /** Prefix of the head's node names. Default 'ssd'. */
  scope?: string;
  /** Default 'batchNorm'. */
  normalization?: ExtraLayerNormalization;
  /** Default 1e-3 (TF-OD). */
  batchNormEpsilon?: number;
  /** Kernel size of the box and class predictors. Default 1 (TF-OD ssd_mobilenet_v1 configs, face-api). */
  predictorKernelSize?: number;
  /** Graph name. Default `<backbone name>_ssd`. */
  name?: string;
}

/** Graph output names of an SSD head. */
export const SSD_OUTPUTS = Object.freeze({
  /** `[n, anchors, 4]`: `[ty, tx, th, tw]` per anchor, for the box coder. */
  boxEncodings: 'boxEncodings',
  /** `[n, anchors, numClasses + 1]`: logits, background first. */
  classLogits: 'classLogits',
});

const WHERE = 'ssdHead';
const KNOWN = ['numClasses', 'anchors', 'extraLayers', 'taps', 'scope', 'normalization', 'batchNormEpsilon', 'predictorKernelSize', 'name'];

/** Node names of the head, so that importers and tests can find them. */
export const ssdNodeNames = {
  extra1x1: (scope: string, i: number) => `${scope}/extra_${i + 1}_1x1`,
  extra3x3: (scope: string, i: number) => `${scope}/extra_${i + 1}_3x3`,
  boxEncoding: (scope: string, k: number) => `${scope}/box_predictor_${k}/box_encoding`,
  classLogits: (scope: string, k: number) => `${scope}/box_predictor_${k}/class`,
};

/**
 * Puts an SSD head on a backbone graph: the tapped feature maps, extra
 * 1×1 → 3×3 stride-2 layers (ReLU6), and per feature map a box predictor
 * (`anchors·4` channels) and a class predictor (`anchors·(numClasses+1)`),
 * each a conv with bias, reshaped to `[n, H·W·anchors, 4 | numClasses+1]`
 * (anchor index = (row·W + col)·anchors + k, the anchor generator's order)
 * and concatenated over the maps into the outputs `boxEncodings` and
 * `classLogits`. The backbone's own outputs are not kept.
 */
export function ssdHead(backbone: Graph, options: SsdHeadOptions): Graph {
  if (!options || typeof options !== 'object') throw new DetectionOptionError(WHERE, 'options', options, 'expected an object with at least numClasses');
  checkKnownOptions(WHERE, options, KNOWN);
  const numClasses = checkPositiveInteger(WHERE, 'numClasses', options.numClasses);
  const anchorOptions = resolveSsdAnchorOptions(options.anchors ?? {});
  const perLocation = anchorsPerLocation(anchorOptions);
  const extraLayers = options.extraLayers ?? SSD_MOBILENET_V1_EXTRA_LAYERS;
  if (!Array.isArray(extraLayers)) throw new DetectionOptionError(WHERE, 'extraLayers', extraLayers, 'expected an array of { bottleneck, depth }');
  extraLayers.forEach((l, i) => {
    checkPositiveInteger(WHERE, `extraLayers[${i}].bottleneck`, l?.bottleneck);
    checkPositiveInteger(WHERE, `extraLayers[${i}].depth`, l?.depth);
  });
  const taps = options.taps ?? ['conv_pw_11', 'conv_pw_13'];
  if (!Array.isArray(taps) || taps.length === 0) throw new DetectionOptionError(WHERE, 'taps', taps, 'expected a non-empty array of backbone output names');
  if (taps.length + extraLayers.length !== perLocation.length) {
    throw new DetectionOptionError(
      WHERE,
      'anchors.numLayers',
      perLocation.length,
      `the head has ${taps.length} tapped + ${extraLayers.length} extra = ${taps.length + extraLayers.length} feature maps; the anchor generator must have as many layers`,
    );
  }
  const scope = options.scope ?? 'ssd';
  if (typeof scope !== 'string' || scope.length === 0) throw new DetectionOptionError(WHERE, 'scope', scope, 'expected a non-empty string');
  const normalization = options.normalization ?? 'batchNorm';
  if (normalization !== 'batchNorm' && normalization !== 'bias') throw new DetectionOptionError(WHERE, 'normalization', normalization, "expected 'batchNorm' or 'bias'");
  const epsilon = checkPositiveNumber(WHERE, 'batchNormEpsilon', options.batchNormEpsilon ?? 1e-3);
  const k = checkPositiveInteger(WHERE, 'predictorKernelSize', options.predictorKernelSize ?? 1);

  const tapNodes = taps.map((tap) => {
    const out = backbone.outputs.find((o) => o.name === tap);
    if (!out) {
      throw new DetectionOptionError(WHERE, 'taps', tap, `the backbone "${backbone.name}" has no output named so; its outputs: ${backbone.outputs.map((o) => o.name).join(', ')} (build it with taps: ${JSON.stringify(taps)})`);
    }
    return out.node;
  });
  const info = analyzeGraph(backbone);
  for (const node of tapNodes) {
    if (info.shapes.get(node)!.length !== 4) throw new DetectionOptionError(WHERE, 'taps', node, 'a tapped output must be a [n, h, w, c] feature map');
  }

  const b = new GraphBuilder(options.name ?? `${backbone.name}_ssd`, backbone);
  const convBlock = (name: string, input: string, filters: number, size: number, stride: number): string => {
    const attrs = { filters, kernelSize: [size, size] as [number, number], strides: [stride, stride] as [number, number], padding: 'same' as const };
    let x = b.add(name, 'conv2d', [input], { ...attrs, useBias: normalization === 'bias' });
    if (normalization === 'batchNorm') x = b.add(`${name}_bn`, 'batchNorm', [x], { epsilon });
    return b.add(`${name}_relu`, 'activation', [x], { fn: 'relu6' });
  };

  const featureMaps = [...tapNodes];
  let x = tapNodes[tapNodes.length - 1]!;
  extraLayers.forEach((layer, i) => {
    x = convBlock(ssdNodeNames.extra1x1(scope, i), x, layer.bottleneck, 1, 1);
    x = convBlock(ssdNodeNames.extra3x3(scope, i), x, layer.depth, 3, 2);
    featureMaps.push(x);
  });

  const boxes: string[] = [];
  const classes: string[] = [];
  const predictor = { kernelSize: [k, k] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const, useBias: true };
  featureMaps.forEach((map, i) => {
    const anchors = perLocation[i]!;
    const box = b.add(ssdNodeNames.boxEncoding(scope, i), 'conv2d', [map], { ...predictor, filters: anchors * 4 });
    boxes.push(b.add(`${box}_reshape`, 'reshape', [box], { shape: [-1, 4] }));
    const cls = b.add(ssdNodeNames.classLogits(scope, i), 'conv2d', [map], { ...predictor, filters: anchors * (numClasses + 1) });
    classes.push(b.add(`${cls}_reshape`, 'reshape', [cls], { shape: [-1, numClasses + 1] }));
  });
  const boxOut = boxes.length > 1 ? b.add(`${scope}/box_encodings`, 'concat', boxes, { axis: 1 }) : boxes[0]!;
  const classOut = classes.length > 1 ? b.add(`${scope}/class_logits`, 'concat', classes, { axis: 1 }) : classes[0]!;
  b.output(boxOut, SSD_OUTPUTS.boxEncodings);
  b.output(classOut, SSD_OUTPUTS.classLogits);
  return b.build();
}

/** The [height, width] of each feature map an SSD head predicts from (the input of each box predictor), finest first. */
export function ssdFeatureMapSizes(graph: Graph, scope = 'ssd'): [number, number][] {
  const info = analyzeGraph(graph);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const sizes: [number, number][] = [];
  for (let k = 0; byName.has(ssdNodeNames.boxEncoding(scope, k)); k++) {
    const node = byName.get(ssdNodeNames.boxEncoding(scope, k))!;
    const shape = info.shapes.get(node.inputs[0]!)!;
    if (typeof shape[1] !== 'number' || typeof shape[2] !== 'number') {
      throw new Error(`ssdFeatureMapSizes: the feature map of "${node.name}" has no fixed height and width (${JSON.stringify(shape)}); anchors need a fixed input size`);
    }
    sizes.push([shape[1], shape[2]]);
  }
  if (sizes.length === 0) throw new Error(`ssdFeatureMapSizes: graph "${graph.name}" has no SSD box predictor under scope "${scope}" (no node "${ssdNodeNames.boxEncoding(scope, 0)}")`);
  return sizes;
}
