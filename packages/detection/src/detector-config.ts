import { analyzeGraph, type Graph } from '@mobilenet-kit/core';
import type { Normalization, ResizeMode } from '@mobilenet-kit/image';
import { generateSsdAnchors, type SsdAnchorOptions } from './anchors';
import { SSD_BOX_CODER_SCALES } from './box-coder';
import type { DetectOptions, DetectorOptions } from './detector';
import { DetectionOptionError } from './errors';
import type { ScoreConversion } from './scores';
import { SSD_OUTPUTS, ssdFeatureMapSizes } from './ssd-head';

/**
 * Everything besides graph and weights that a detector needs, as kept in a detector folder's
 * `model.json` (`metadata`): the anchor generator (anchors are regenerated from it and the
 * graph's feature maps, and checked against the graph's anchor count), labels, preprocessing,
 * score conversion, box coder and the detect() defaults.
 */
export interface DetectorConfig {
  readonly task: 'detection';
  /** Label of each foreground class (class index 1 first); null leaves a class out. */
  readonly labels: readonly (string | null)[];
  /** TF-OD multiple-grid anchor generator options (generateSsdAnchors); `scope` is the SSD head's node scope. */
  readonly anchorGenerator: { readonly type: 'ssd'; readonly options: SsdAnchorOptions; readonly scope?: string };
  readonly preprocessing: { readonly resize: ResizeMode; readonly normalize: Normalization };
  readonly scoreConversion: ScoreConversion;
  readonly boxCoderScales: readonly [number, number, number, number];
  readonly defaults: DetectOptions;
  /** Free-form provenance (training settings, dataset, metrics). */
  readonly training?: Record<string, unknown>;
}

export type DetectorConfigInput = Omit<DetectorConfig, 'task' | 'scoreConversion' | 'boxCoderScales' | 'defaults' | 'preprocessing'> &
  Partial<Pick<DetectorConfig, 'scoreConversion' | 'boxCoderScales' | 'defaults' | 'preprocessing'>>;

/** Fills the defaults (stretch, [-1, 1], sigmoid, scales 10, 10, 5, 5, minScore 0.5, IoU 0.5, 100 results) and checks every field. */
export function detectorConfig(input: DetectorConfigInput | DetectorConfig, where = 'detectorConfig'): DetectorConfig {
  const c: DetectorConfig = {
    task: 'detection',
    labels: input.labels,
    anchorGenerator: input.anchorGenerator,
    preprocessing: input.preprocessing ?? { resize: 'stretch', normalize: 'minusOneToOne' },
    scoreConversion: input.scoreConversion ?? 'sigmoid',
    boxCoderScales: input.boxCoderScales ?? SSD_BOX_CODER_SCALES,
    defaults: input.defaults ?? {},
    ...(input.training ? { training: input.training } : {}),
  };
  if ((input as { task?: unknown }).task !== undefined && (input as { task?: unknown }).task !== 'detection') {
    throw new DetectionOptionError(where, 'task', (input as { task?: unknown }).task, "'detection' (a detector folder)");
  }
  if (!Array.isArray(c.labels) || c.labels.length === 0 || !c.labels.every((l) => l === null || typeof l === 'string')) throw new DetectionOptionError(where, 'labels', c.labels, 'a non-empty list of strings (or null)');
  if (c.anchorGenerator?.type !== 'ssd' || typeof c.anchorGenerator.options !== 'object') throw new DetectionOptionError(where, 'anchorGenerator', c.anchorGenerator, "{ type: 'ssd', options: SsdAnchorOptions }");
  if (typeof c.preprocessing?.resize !== 'string' || c.preprocessing.normalize === undefined) throw new DetectionOptionError(where, 'preprocessing', c.preprocessing, '{ resize, normalize }');
  return c;
}

/** The anchors of a graph under a config: generated for the graph's feature maps. */
export function anchorsFor(graph: Graph, config: DetectorConfig): Float32Array {
  const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph, config.anchorGenerator.scope ?? 'ssd'), config.anchorGenerator.options);
  const out = graph.outputs.find((o) => o.name === SSD_OUTPUTS.boxEncodings);
  const predicted = out ? analyzeGraph(graph).shapes.get(out.node)?.[1] : undefined;
  if (predicted !== anchors.length / 4) {
    throw new DetectionOptionError('anchorsFor', 'anchorGenerator.options', config.anchorGenerator.options, `a generator giving the graph's ${predicted} anchors (output "${SSD_OUTPUTS.boxEncodings}"); it gives ${anchors.length / 4}`);
  }
  return anchors;
}

/** createDetector's options from a config. */
export function detectorOptions(graph: Graph, config: DetectorConfig, backend: string, compileOptions?: DetectorOptions['compileOptions']): DetectorOptions {
  return {
    backend,
    anchors: anchorsFor(graph, config),
    labels: config.labels,
    resize: config.preprocessing.resize,
    normalize: config.preprocessing.normalize,
    scoreConversion: config.scoreConversion,
    boxCoderScales: config.boxCoderScales,
    defaults: config.defaults,
    ...(compileOptions ? { compileOptions } : {}),
  };
}
