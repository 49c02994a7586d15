import { analyzeGraph, type Graph, GraphBuilder } from '@mobilenet-kit/core';
import { ClassificationOptionError } from './errors';
import { type ClassifierMetadata, type InputPreprocessing, checkPreprocessing } from './metadata';

export type ClassifierPooling = 'avg' | 'max';

export interface ClassifierHeadOptions {
  /** Number of classes: an integer ≥ 2 (or 1 with a single label). */
  readonly classes: number;
  /** Class names by index (default '0', '1', …); stored in the model file's metadata. */
  readonly labels?: readonly string[];
  /** Dropout rate before the FC layer, in [0, 1). Default 1e-3 (Keras MobileNet). */
  readonly dropout?: number;
  /** Global pooling of a feature map. Default 'avg' (the paper's Table 1). Ignored when the backbone is already pooled. */
  readonly pooling?: ClassifierPooling;
  /** Prefix of the head's node names. Default 'head'. */
  readonly scope?: string;
  /** How images become the input (stored in the metadata for classify()). Default: RGB, stretched to the input size. */
  readonly preprocessing?: Partial<InputPreprocessing>;
}

/** A classifier as IR plus what the model file keeps next to it. */
export interface ClassifierGraph {
  readonly graph: Graph;
  readonly labels: readonly string[];
  readonly metadata: ClassifierMetadata;
}

/** Node names of the head under its scope. */
export function classifierHeadNodes(scope = 'head') {
  return { pool: `${scope}/global_pool`, dropout: `${scope}/dropout`, logits: `${scope}/logits`, predictions: `${scope}/predictions` };
}

/** Output name of the class probabilities. */
export const CLASSIFIER_OUTPUT = 'predictions';

/**
 * Puts a classifier on a backbone (its first output): global pooling (when
 * the output is a feature map), dropout, a dense layer with bias ('logits')
 * and softmax, as in the paper's Table 1. The result has one output,
 * 'predictions'. Backbone outputs such as taps are not kept.
 */
export function classifierHead(backbone: Graph, options: ClassifierHeadOptions): ClassifierGraph {
  const where = 'classifierHead';
  const { classes } = options;
  if (!Number.isInteger(classes) || classes < 1) throw new ClassificationOptionError('classes', classes, 'an integer ≥ 1', where);
  const labels = options.labels ? [...options.labels] : Array.from({ length: classes }, (_, i) => String(i));
  if (labels.length !== classes) throw new ClassificationOptionError('labels', options.labels, `one label per class: ${classes} labels`, where);
  if (labels.some((l) => typeof l !== 'string' || l.length === 0)) throw new ClassificationOptionError('labels', options.labels, 'non-empty strings', where);
  const dropout = options.dropout ?? 1e-3;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new ClassificationOptionError('dropout', dropout, 'a rate in [0, 1)', where);
  const pooling = options.pooling ?? 'avg';
  if (pooling !== 'avg' && pooling !== 'max') throw new ClassificationOptionError('pooling', pooling, "'avg' or 'max'", where);
  const scope = options.scope ?? 'head';
  if (typeof scope !== 'string' || scope.length === 0) throw new ClassificationOptionError('scope', scope, 'a non-empty string', where);

  const info = analyzeGraph(backbone);
  const main = backbone.outputs[0]!;
  const shape = info.shapes.get(main.node)!;
  if (info.inputs.length !== 1) throw new ClassificationOptionError('backbone', `${info.inputs.length} inputs`, 'a graph with one image input', where);
  const inputShape = info.shapes.get(info.inputs[0]!)!;
  if (inputShape.length !== 4 || inputShape[3] !== 3) throw new ClassificationOptionError('backbone input shape', inputShape, '[batch, height, width, 3]', where);
  const last = backbone.nodes.find((n) => n.name === main.node)!;
  if (last.op === 'activation' && last.attrs.fn === 'softmax') {
    throw new ClassificationOptionError('backbone', `output "${main.name}" is already a softmax`, 'a backbone without top (mobilenetV1({ includeTop: false }))', where);
  }
  const names = classifierHeadNodes(scope);
  const b = new GraphBuilder(`${backbone.name}_classifier`, backbone);
  let x = main.node;
  if (shape.length === 4) x = b.add(names.pool, pooling === 'avg' ? 'globalAvgPool' : 'globalMaxPool', [x], {});
  else if (shape.length !== 2) throw new ClassificationOptionError('backbone output shape', shape, '[batch, h, w, c] or [batch, c]', where);
  x = b.add(names.dropout, 'dropout', [x], { rate: dropout });
  x = b.add(names.logits, 'dense', [x], { units: classes, useBias: true });
  x = b.add(names.predictions, 'activation', [x], { fn: 'softmax' });
  b.output(x, CLASSIFIER_OUTPUT);
  const graph = b.build();
  const resolution = inputShape[1] as number;
  const preprocessing: InputPreprocessing = { grayscale: false, contentSize: resolution, ...options.preprocessing };
  checkPreprocessing(preprocessing, resolution, where);
  return { graph, labels, metadata: { task: 'classification', labels, input: info.inputs[0]!, output: CLASSIFIER_OUTPUT, preprocessing } };
}
