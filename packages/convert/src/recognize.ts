import { type MobileNetV1Variant, mobilenetV1Layers } from '@mobilenet-kit/backbone';
import { type AnyNode, type Graph, ModelFormatError, analyzeGraph, formatShape } from '@mobilenet-kit/core';

/** What an importer recognised in a file: the MobileNet v1 it holds and what sits on top. */
export interface RecognizedMobileNet {
  readonly alpha: number;
  readonly resolution: number;
  readonly depthMultiplier: number;
  readonly variant: MobileNetV1Variant;
  /** Convolution layers of the backbone found (27 for a whole standard MobileNet v1). */
  readonly layers: number;
  /** The last backbone layer present (`conv_pw_13`, or an earlier one when the file holds a truncated MobileNet). */
  readonly lastLayer: string;
  /** 'keras' (Keras's pool → dropout → 1×1 conv_preds → softmax), 'dense' (other layers on top, e.g. Teachable Machine's), or 'none'. */
  readonly top: 'keras' | 'dense' | 'none';
  /** Classes of the main output when it is a vector (rank 2), else undefined. */
  readonly classes?: number;
  /** The main output's shape, e.g. `[?, 1000]` or `[?, 7, 7, 256]`. */
  readonly outputShape: string;
}

export interface ExpectedArchitecture {
  readonly alpha?: number;
  readonly resolution?: number;
}

/** α values to try first, so that a reported α reads as the published one (0.75, not 0.7490234375). */
export const COMMON_ALPHAS: readonly number[] = [0.25, 0.35, 0.5, 0.75, 1, 1.3, 1.4];
const LAYER_NAME = /^(conv1|conv_dw_([1-9]|1[0-3])|conv_pw_([1-9]|1[0-3])|conv_([1-9]|1[0-3]))$/;
const KNOWN = 'conv1, conv_dw_N, conv_pw_N (N = 1…13), as Keras and tfjs-layers name MobileNet v1';

type ConvNode = Extract<AnyNode, { op: 'conv2d' | 'depthwiseConv2d' }>;

/** A planned layer and the graph's node, compared: the first disagreement, or undefined. */
function disagreement(planned: ReturnType<typeof mobilenetV1Layers>[number], node: ConvNode): string | undefined {
  const a = node.attrs;
  if ((planned.role === 'depthwise') !== (node.op === 'depthwiseConv2d')) return `is a ${node.op}, MobileNet v1 has a ${planned.role} convolution there`;
  if (a.kernelSize[0] !== planned.kernelSize || a.kernelSize[1] !== planned.kernelSize) return `has a ${a.kernelSize.join('×')} kernel, expected ${planned.kernelSize}×${planned.kernelSize}`;
  if (a.strides[0] !== planned.stride || a.strides[1] !== planned.stride) return `has stride ${a.strides.join('×')}, expected ${planned.stride}`;
  if (node.op === 'conv2d' && node.attrs.filters !== planned.filters) return `has ${node.attrs.filters} filters, expected ${planned.filters}`;
  if (node.op === 'depthwiseConv2d' && node.attrs.depthMultiplier !== planned.depthMultiplier) return `has depth multiplier ${node.attrs.depthMultiplier}, expected ${planned.depthMultiplier}`;
  return undefined;
}

/**
 * Finds the MobileNet v1 in an imported graph by its Keras layer names and
 * works out α (from the filters), the resolution (from the input), the
 * depth multiplier, the variant and what is on top. Every convolution is
 * checked against the builder's plan for that α; a name that matches no
 * MobileNet, or an α given by the caller that the shapes contradict, is a
 * ModelFormatError naming the layer.
 */
export function recognizeMobileNet(graph: Graph, file: string, expected: ExpectedArchitecture = {}): RecognizedMobileNet {
  const fail = (problem: string): never => {
    throw new ModelFormatError(problem, { file });
  };
  const info = analyzeGraph(graph);
  const convs = graph.nodes.filter((n): n is ConvNode => (n.op === 'conv2d' || n.op === 'depthwiseConv2d') && LAYER_NAME.test(n.name));
  const names = new Set(convs.map((n) => n.name));
  if (!names.has('conv1')) {
    const found = graph.nodes.filter((n) => n.op === 'conv2d' || n.op === 'depthwiseConv2d').map((n) => n.name);
    fail(`no MobileNet v1 found: the layer names match none of ${KNOWN}${found.length ? `; the convolutions are named ${found.slice(0, 6).map((n) => `"${n}"`).join(', ')}${found.length > 6 ? ', …' : ''}` : '; the file has no convolution'}`);
  }
  if (info.inputs.length !== 1) fail(`a MobileNet has one image input, this graph has ${info.inputs.length}`);
  const inputShape = info.shapes.get(info.inputs[0]!)!;
  const [, h, w, c] = inputShape as number[];
  if (h !== w || c !== 3) fail(`the input shape ${formatShape(inputShape)} is not a square RGB image [batch, size, size, 3]`);
  const resolution = h!;
  if (expected.resolution !== undefined && expected.resolution !== resolution) fail(`--resolution ${expected.resolution} disagrees with the model's input ${formatShape(inputShape)}`);

  const variant: MobileNetV1Variant = [...names].some((n) => /^conv_\d+$/.test(n)) ? 'fullConv' : names.has('conv_dw_7') ? 'standard' : names.has('conv_dw_12') ? 'shallow' : 'standard';
  const firstDw = convs.find((n) => n.op === 'depthwiseConv2d');
  const depthMultiplier = firstDw?.op === 'depthwiseConv2d' ? firstDw.attrs.depthMultiplier : 1;
  // Graph order of the recognised layers.
  const last = convs[convs.length - 1]!;

  const tryAlpha = (alpha: number): { ok: true } | { ok: false; layer: string; problem: string } => {
    const plan = mobilenetV1Layers({ alpha, variant, depthMultiplier, resolution, includeTop: false });
    const byName = new Map(convs.map((n) => [n.name, n]));
    const lastIndex = plan.findIndex((p) => p.name === last.name);
    if (lastIndex < 0) return { ok: false, layer: last.name, problem: `is not a layer of the ${variant} variant` };
    for (const planned of plan.slice(0, lastIndex + 1)) {
      const node = byName.get(planned.name);
      if (!node) return { ok: false, layer: planned.name, problem: `is missing (${convs.length} MobileNet layers found, up to "${last.name}")` };
      const problem = disagreement(planned, node);
      if (problem) return { ok: false, layer: planned.name, problem };
    }
    if (convs.length !== lastIndex + 1) return { ok: false, layer: last.name, problem: 'the file holds layers with MobileNet names that the plan does not have' };
    return { ok: true };
  };

  const plan1 = mobilenetV1Layers({ alpha: 1, variant, depthMultiplier, includeTop: false });
  const lastPlanned = plan1.find((p) => p.name === last.name);
  // α from the last layer with filters (a depthwise layer has the channels of the layer before).
  const withFilters = [...convs].reverse().find((n) => n.op === 'conv2d') as Extract<ConvNode, { op: 'conv2d' }> | undefined;
  const planned = withFilters ? plan1.find((p) => p.name === withFilters.name) : undefined;
  const estimate = withFilters && planned?.filters ? withFilters.attrs.filters / planned.filters : undefined;
  if (!lastPlanned) fail(`layer "${last.name}" is not a layer of MobileNet v1 (${variant})`);

  if (expected.alpha !== undefined) {
    const r = tryAlpha(expected.alpha);
    if (!r.ok) {
      const actual = estimate !== undefined ? `; the shapes say α ≈ ${+estimate.toFixed(4)} (${withFilters!.name} has ${withFilters!.attrs.filters} filters)` : '';
      fail(`--alpha ${expected.alpha} disagrees with the weights: layer "${r.layer}" ${r.problem}${actual}`);
    }
  }
  const candidates = expected.alpha !== undefined ? [expected.alpha] : [...COMMON_ALPHAS, ...(estimate !== undefined ? [estimate] : [])];
  let alpha: number | undefined;
  let firstProblem: { layer: string; problem: string } | undefined;
  for (const a of candidates) {
    const r = tryAlpha(a);
    if (r.ok) {
      alpha = a;
      break;
    }
    if (a === estimate || !firstProblem) firstProblem = r;
  }
  if (alpha === undefined) fail(`not a MobileNet v1 of any width multiplier: layer "${firstProblem!.layer}" ${firstProblem!.problem}`);

  const main = graph.outputs[0]!;
  const outShape = info.shapes.get(main.node)!;
  const headLayers = graph.nodes.filter((n) => (n.op === 'dense' || n.op === 'conv2d' || n.op === 'depthwiseConv2d') && !names.has(n.name));
  const top = headLayers.some((n) => n.name === 'conv_preds') ? 'keras' : headLayers.length > 0 ? 'dense' : 'none';
  return {
    alpha: alpha!,
    resolution,
    depthMultiplier,
    variant,
    layers: convs.length,
    lastLayer: last.name,
    top,
    ...(outShape.length === 2 ? { classes: outShape[1] as number } : {}),
    outputShape: formatShape(outShape),
  };
}

/** One line for reports: `MobileNet v1 α 0.25, 224×224, standard, top: keras (1000 classes)`. */
export function describeRecognized(r: RecognizedMobileNet): string {
  const parts = [`MobileNet v1 α ${r.alpha}`, `${r.resolution}×${r.resolution}`, r.variant];
  if (r.depthMultiplier !== 1) parts.push(`depth multiplier ${r.depthMultiplier}`);
  if (r.layers !== 27 && r.variant === 'standard') parts.push(`${r.layers} layers up to ${r.lastLayer}`);
  const top = r.top === 'none' ? `no top (output ${r.outputShape})` : `top: ${r.top === 'keras' ? "Keras's classifier" : 'dense layers'}${r.classes !== undefined ? ` (${r.classes} classes)` : ''}`;
  return `${parts.join(', ')}, ${top}`;
}
