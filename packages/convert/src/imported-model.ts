import { type Graph, ModelFormatError, type Weights, analyzeGraph, describeIndex, firstNonFinite } from '@mobilenet-kit/core';
import { imagenetLabels } from './imagenet';
import { type RecognizedMobileNet, describeRecognized } from './recognize';

/** The file formats the importers read. */
export type ImportFormat = 'tfjs-layers' | 'teachable-machine' | 'tfjs-graph' | 'keras-h5' | 'keras-h5-weights' | 'onnx';

/** How images become the input (the classification package's InputPreprocessing). */
export interface ImportedPreprocessing {
  readonly grayscale: boolean;
  readonly contentSize: number;
  readonly crop?: 'center';
  readonly normalization?: { readonly divisor: number; readonly offset: number };
}

/** A model read from another format: IR graph and weights, the model folder's metadata, and what was recognised. */
export interface ImportedModel {
  readonly format: ImportFormat;
  readonly graph: Graph;
  readonly weights: Weights;
  /** What the model folder keeps next to the graph: task, labels, input / output names, preprocessing, source. */
  readonly metadata: Record<string, unknown>;
  readonly recognized: RecognizedMobileNet;
  /** Human-readable lines: what was recognised, where the labels come from, what was left out. */
  readonly report: readonly string[];
}

export interface AssembleOptions {
  readonly format: ImportFormat;
  readonly file: string;
  readonly labels?: readonly string[];
  /** Where the labels come from, for the report. */
  readonly labelSource?: string;
  readonly preprocessing?: Partial<ImportedPreprocessing>;
  readonly notes?: readonly string[];
}

/**
 * The metadata of an imported model: a classifier (its main output is a
 * softmax vector) gets labels, given or ImageNet's for 1000 / 1001 classes
 * or the class indices, and the classification package's metadata layout,
 * so that `classify` runs it; anything else is kept as a backbone.
 */
export function assembleImport(graph: Graph, weights: Weights, recognized: RecognizedMobileNet, options: AssembleOptions): ImportedModel {
  // Every importer ends here: a NaN or ±Infinity weight is refused whatever the format read it (a Keras .h5
  // dataset with -Infinity in conv1/kernel was imported as it was).
  for (const [name, w] of weights) {
    const bad = firstNonFinite(w.data);
    if (bad >= 0) throw new ModelFormatError(`value at ${describeIndex(bad, w.data[bad]!, w.shape)} is not finite; weights must be finite numbers`, { file: options.file, weight: name });
  }
  const info = analyzeGraph(graph);
  const main = graph.outputs[0]!;
  const mainNode = graph.nodes.find((n) => n.name === main.node)!;
  const isClassifier = mainNode.op === 'activation' && mainNode.attrs.fn === 'softmax' && info.shapes.get(main.node)!.length === 2;
  const preprocessing: ImportedPreprocessing = { grayscale: false, contentSize: recognized.resolution, ...options.preprocessing };
  const report = [`recognised ${describeRecognized(recognized)}`];
  const source = { format: options.format, file: options.file, recognized };
  let metadata: Record<string, unknown>;
  if (isClassifier) {
    const classes = recognized.classes!;
    let labels = options.labels;
    let labelSource = options.labelSource;
    if (labels && labels.length !== classes) {
      report.push(`${labels.length} labels given (${labelSource ?? 'labels'}) for ${classes} classes: labels ignored`);
      labels = undefined;
    }
    if (!labels) {
      labels = imagenetLabels(classes);
      labelSource = labels ? (classes === 1001 ? 'ImageNet class names, TF-slim order (index 0: background)' : 'ImageNet class names (shipped with the kit)') : undefined;
    }
    if (!labels) {
      labels = Array.from({ length: classes }, (_, i) => String(i));
      labelSource = 'class indices (no labels in the file)';
    }
    report.push(`labels: ${labelSource ?? 'given'} — ${labels.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')}${labels.length > 3 ? ', …' : ''}`);
    metadata = { task: 'classification', labels: [...labels], input: info.inputs[0]!, output: main.name, preprocessing, source };
  } else {
    report.push(`no classifier on top: kept as a backbone, output "${main.name}" ${recognized.outputShape}`);
    metadata = { task: 'backbone', input: info.inputs[0]!, output: main.name, preprocessing, source };
  }
  const n = preprocessing.normalization;
  report.push(`preprocessing: ${preprocessing.crop === 'center' ? 'centre crop, ' : ''}resize to ${recognized.resolution}×${recognized.resolution}, pixels / ${n?.divisor ?? 127.5} ${(n?.offset ?? -1) < 0 ? '−' : '+'} ${Math.abs(n?.offset ?? -1)}`);
  report.push(...(options.notes ?? []));
  return { format: options.format, graph, weights, metadata, recognized, report };
}
