import { GraphBuilder, type Graph } from '@mobilenet-kit/core';
import { FaceOptionError, checkKnownOptions } from './errors';

/** The output name of every embedding graph (teacher and student). */
export const EMBEDDING_OUTPUT = 'embedding';

/**
 * ε of the L2 normalization: `x / sqrt(max(Σx², ε))`; 1e-12 as in
 * tf.math.l2_normalize's default, so that only an all-zero vector is affected.
 */
export const EMBEDDING_L2_EPSILON = 1e-12;

export interface EmbeddingHeadOptions {
  /** Length of the embedding: an integer ≥ 1. Default 128 (FaceNet's and face-api's descriptor size). */
  dimensions?: number;
  /** The backbone output the head reads. Default: the backbone's first output. */
  from?: string;
  /** Prefix of the head's node names. Default 'embedding_head'. */
  scope?: string;
  /** Name of the resulting graph. Default `<backbone name>_embedding`. */
  name?: string;
}

/** Node names of the head, so importers and trainers can find its parameters. */
export const embeddingHeadNodeNames = (scope = 'embedding_head') => ({
  pool: `${scope}/global_pool`,
  dense: `${scope}/dense`,
  normalize: `${scope}/l2_normalize`,
});

/**
 * Puts an embedding head on a backbone graph: global average pool (skipped
 * when the backbone output is already `[N, C]`) → dense with bias to
 * `dimensions` units → L2 normalization along the last axis. The result has
 * a single output, `embedding` `[N, dimensions]`; the backbone's own outputs
 * are not kept.
 */
export function embeddingHead(backbone: Graph, options: EmbeddingHeadOptions = {}): Graph {
  const where = 'embeddingHead';
  if (options === null || typeof options !== 'object') throw new FaceOptionError(where, 'options', options, 'expected an object { dimensions, from, scope, name }');
  checkKnownOptions(where, options, ['dimensions', 'from', 'scope', 'name']);
  const dimensions = options.dimensions ?? 128;
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new FaceOptionError(where, 'dimensions', dimensions, 'expected an integer ≥ 1');
  const scope = options.scope ?? 'embedding_head';
  if (typeof scope !== 'string' || scope.length === 0) throw new FaceOptionError(where, 'scope', scope, 'expected a non-empty string');
  if (!backbone || !Array.isArray(backbone.outputs) || backbone.outputs.length === 0) {
    throw new FaceOptionError(where, 'backbone', backbone?.name, 'expected a Graph with at least one output (e.g. mobilenetV1({ includeTop: false }))');
  }
  const fromName = options.from ?? backbone.outputs[0]!.name;
  const from = backbone.outputs.find((o) => o.name === fromName);
  if (!from) throw new FaceOptionError(where, 'from', fromName, `the backbone "${backbone.name}" has no output so named; its outputs: ${backbone.outputs.map((o) => o.name).join(', ')}`);

  const names = embeddingHeadNodeNames(scope);
  const b = new GraphBuilder(options.name ?? `${backbone.name}_embedding`, backbone);
  const shape = b.shapeOf(from.node);
  let x = from.node;
  if (shape.length === 4) x = b.add(names.pool, 'globalAvgPool', [x], {});
  else if (shape.length !== 2) {
    throw new FaceOptionError(where, 'from', fromName, `the backbone output must be a feature map [N, H, W, C] or pooled features [N, C], got rank ${shape.length}`);
  }
  x = b.add(names.dense, 'dense', [x], { units: dimensions, useBias: true });
  x = b.add(names.normalize, 'l2Normalize', [x], { axis: -1, epsilon: EMBEDDING_L2_EPSILON });
  b.output(x, EMBEDDING_OUTPUT);
  return b.build();
}
