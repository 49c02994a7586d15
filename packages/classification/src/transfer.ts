import { initializeParam } from '@mobilenet-kit/backbone';
import { type AnyNode, analyzeGraph, type Graph, ModelFormatError, paramSpecs, type Weights, type WeightTensor } from '@mobilenet-kit/core';
import { ClassificationOptionError } from './errors';
import { type ClassifierGraph, type ClassifierHeadOptions, classifierHead } from './head';

/** Where a MobileNet v1 backbone ends in a graph, and what its input was. */
export interface BackboneInGraph {
  /** The last backbone node: the activation of the deepest layer (`conv_pw_13_relu`, `backbone/conv_pw_13_relu`, `conv_13_relu` in 'fullConv'). */
  readonly end: string;
  readonly input: string;
  /** The source graph's input resolution (height = width). */
  readonly resolution: number;
  /** Channels of the backbone's last feature map. */
  readonly channels: number;
}

const LAYER_END = /(^|\/)conv_(?:pw_)?(\d+)_relu$/;

/**
 * Finds the MobileNet v1 backbone in any graph the kit builds or imports
 * (Keras layer names): a classifier, a model with Keras's top, a backbone
 * without top, face-api's SSD detector. The backbone ends at the activation
 * of the deepest numbered layer (`conv_pw_N_relu`, or `conv_N_relu` in the
 * full-convolution variant); `where` names the model in errors.
 */
export function findBackbone(graph: Graph, where: string): BackboneInGraph {
  const info = analyzeGraph(graph);
  if (info.inputs.length !== 1) throw new ClassificationOptionError('model', `${info.inputs.length} inputs`, 'a graph with one image input', where);
  let end: string | undefined;
  let depth = -1;
  for (const node of graph.nodes) {
    const m = LAYER_END.exec(node.name);
    if (m && node.op === 'activation' && Number(m[2]) > depth) {
      depth = Number(m[2]);
      end = node.name;
    }
  }
  if (end === undefined) {
    throw new ClassificationOptionError('model', graph.name, 'a MobileNet v1 with Keras layer names (conv1, conv_dw_N, conv_pw_N, …): no conv_pw_N_relu node found', where);
  }
  const input = info.inputs[0]!;
  const inputShape = info.shapes.get(input)!;
  const endShape = info.shapes.get(end)!;
  if (inputShape.length !== 4 || inputShape[3] !== 3 || endShape.length !== 4) {
    throw new ClassificationOptionError('model', `input ${JSON.stringify(inputShape)}, "${end}" ${JSON.stringify(endShape)}`, 'an NHWC image input with 3 channels and a feature map at the backbone end', where);
  }
  return { end, input, resolution: inputShape[1] as number, channels: endShape[3] as number };
}

/**
 * The backbone of a graph (findBackbone) as a graph of its own: the nodes
 * the backbone's end depends on, in order, with the input resized to
 * `resolution` (every layer of a MobileNet is resolution-independent).
 * Heads, taps and detection layers are left out.
 */
export function extractBackbone(graph: Graph, options: { resolution?: number; where?: string } = {}): { graph: Graph; backbone: BackboneInGraph } {
  const where = options.where ?? `model "${graph.name}"`;
  const found = findBackbone(graph, where);
  const resolution = options.resolution ?? found.resolution;
  if (!Number.isInteger(resolution) || resolution < 32) throw new ClassificationOptionError('resolution', resolution, 'an integer ≥ 32', where);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const needed = new Set<string>();
  const stack = [found.end];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    stack.push(...byName.get(name)!.inputs);
  }
  const nodes: AnyNode[] = graph.nodes
    .filter((n) => needed.has(n.name))
    .map((n) => (n.name === found.input ? ({ ...n, attrs: { ...n.attrs, shape: [null, resolution, resolution, 3] } } as AnyNode) : n));
  const name = `${graph.name.replace(/_classifier$/, '').replace(/_backbone_\d+$/, '')}_backbone_${resolution}`;
  const backbone: Graph = { name, nodes, outputs: [{ name: found.end.split('/').at(-1)!, node: found.end }] };
  analyzeGraph(backbone);
  return { graph: backbone, backbone: found };
}

export interface TransferOptions extends Omit<ClassifierHeadOptions, 'classes'> {
  /** Class names of the new task, by index. */
  readonly labels: readonly string[];
  /** Input resolution of the new classifier. Default: the source model's. */
  readonly resolution?: number;
  /** Seed of the new head's initial weights. Default 0. */
  readonly seed?: number;
  /** Names the source in errors (a folder, `face-ssd`). */
  readonly where?: string;
}

export interface TransferredClassifier extends ClassifierGraph {
  readonly weights: Weights;
  /** The backbone's parameters copied from the source, by name. */
  readonly copied: readonly string[];
  readonly source: BackboneInGraph;
}

/**
 * A new classifier on the backbone of an existing model: the backbone's
 * weights (BN statistics included) copied by name, a new head (pooling,
 * dropout, dense, softmax) for `labels`, initialized from `seed` — transfer
 * learning, as Keras's `MobileNet(include_top=False, weights=…)` plus a new
 * Dense layer. Every backbone parameter must be in `weights` with its shape.
 */
export function classifierFromModel(graph: Graph, weights: Weights, options: TransferOptions): TransferredClassifier {
  const where = options.where ?? `model "${graph.name}"`;
  const labels = options.labels;
  if (!Array.isArray(labels) || labels.length < 2) throw new ClassificationOptionError('labels', labels, 'at least two class names (a classifier tells classes apart)', where);
  const { graph: backbone, backbone: source } = extractBackbone(graph, { ...(options.resolution !== undefined ? { resolution: options.resolution } : {}), where });
  const { labels: _labels, resolution: _resolution, seed: _seed, where: _where, ...head } = options;
  const classifier = classifierHead(backbone, { ...head, classes: labels.length, labels });
  const out = new Map<string, WeightTensor>();
  const copied: string[] = [];
  const backboneParams = new Set(paramSpecs(backbone).map((s) => s.name));
  for (const spec of paramSpecs(classifier.graph)) {
    if (!backboneParams.has(spec.name)) {
      out.set(spec.name, initializeParam(spec, options.seed ?? 0));
      continue;
    }
    const w = weights.get(spec.name);
    if (!w) throw new ModelFormatError(`missing: the backbone's ${backboneParams.size} parameters must all be in the model's weights`, { file: where, weight: spec.name });
    if (w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i])) {
      throw new ModelFormatError(`has shape ${JSON.stringify(w.shape)}, the backbone's layer needs ${JSON.stringify(spec.shape)}`, { file: where, weight: spec.name });
    }
    out.set(spec.name, w);
    copied.push(spec.name);
  }
  return { ...classifier, weights: out, copied, source };
}
