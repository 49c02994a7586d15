import type { Graph, Weights } from '@mobilenet-kit/core';
import { type Embedder, type EmbedderNormalization, type EmbedderOptions, createEmbedder } from './embedder';
import { FaceOptionError } from './errors';
import { type EmbedderMirror, checkMirror } from './mirror-canonical';

/** The model.json metadata key under which an embedder's preprocessing is stored. */
export const EMBEDDER_METADATA_KEY = 'faceEmbedder';

export interface EmbedderMetadata {
  /** How crops are normalized before the network. */
  readonly normalize: EmbedderNormalization;
  /** Whether outputs are L2-normalized after the network (false when the graph does it). */
  readonly l2Normalize: boolean;
  /** Free-form provenance (e.g. what the student was initialized from). */
  readonly source?: string;
  /** The distance threshold measured for this model's descriptors (e.g. the equal-error threshold on held-out faces). */
  readonly threshold?: number;
  /** 'canonical' when the network was trained on crops mirrored to their canonical orientation (canonicalMirror); absent: 'none'. */
  readonly mirror?: EmbedderMirror;
}

/**
 * Saves an embedding graph and its weights as a model folder (core's
 * model.json + .bin shards, float32) with the preprocessing in its
 * metadata, so loadEmbedderModel can run it as it was meant. Node only.
 */
export async function saveEmbedderModel(dir: string, graph: Graph, weights: Weights, metadata: EmbedderMetadata): Promise<void> {
  const { saveModel } = await import('@mobilenet-kit/core/node');
  await saveModel(dir, graph, weights, { metadata: { [EMBEDDER_METADATA_KEY]: metadata } });
}

/** Loads a folder written by saveEmbedderModel and compiles it on the named backend. Node only. */
export async function loadEmbedderModel(dir: string, options: Omit<EmbedderOptions, 'normalize' | 'l2Normalize' | 'mirror'>): Promise<Embedder> {
  const { loadModel } = await import('@mobilenet-kit/core/node');
  const model = await loadModel(dir);
  const meta = model.metadata?.[EMBEDDER_METADATA_KEY] as Partial<EmbedderMetadata> | undefined;
  if (!meta || typeof meta !== 'object' || meta.normalize === undefined) {
    throw new FaceOptionError('loadEmbedderModel', 'dir', dir, `its model.json has no "metadata.${EMBEDDER_METADATA_KEY}" with the crops' normalization (write it with saveEmbedderModel)`);
  }
  const mirror = checkMirror(`loadEmbedderModel(${dir})`, meta.mirror);
  return createEmbedder(model.graph, model.weights, { ...options, normalize: meta.normalize, l2Normalize: meta.l2Normalize === true, mirror, ...(typeof meta.threshold === 'number' ? { threshold: meta.threshold } : {}) });
}
