import type { Graph, Weights } from '@mobilenet-kit/core';
import type { Normalization } from '@mobilenet-kit/image';
import { FaceOptionError } from './errors';
import { type AttributePredictor, type AttributePredictorOptions, createAttributePredictor } from './face-attributes';

/** The model.json metadata key under which an attribute model's preprocessing is stored. */
export const ATTRIBUTE_METADATA_KEY = 'faceAttributes';

export interface AttributeModelMetadata {
  /** How crops are normalized before the network. */
  readonly normalize: Normalization;
  /** Free-form provenance (what it was distilled from, with which command). */
  readonly source?: string;
}

/**
 * Saves an attribute graph (outputs age, gender, expression) and its
 * weights as a model folder (core's model.json + .bin shards) with the
 * preprocessing in its metadata, so loadAttributeModel runs it as it was
 * meant. Node only.
 */
export async function saveAttributeModel(dir: string, graph: Graph, weights: Weights, metadata: AttributeModelMetadata): Promise<void> {
  const { saveModel } = await import('@mobilenet-kit/core/node');
  await saveModel(dir, graph, weights, { metadata: { [ATTRIBUTE_METADATA_KEY]: metadata } });
}

/** Loads a folder written by saveAttributeModel and compiles it on the named backend (one pass per face). Node only. */
export async function loadAttributeModel(dir: string, options: Omit<AttributePredictorOptions, 'normalize'>): Promise<AttributePredictor> {
  const { loadModel } = await import('@mobilenet-kit/core/node');
  const model = await loadModel(dir);
  const meta = model.metadata?.[ATTRIBUTE_METADATA_KEY] as Partial<AttributeModelMetadata> | undefined;
  if (!meta || typeof meta !== 'object' || meta.normalize === undefined) {
    throw new FaceOptionError('loadAttributeModel', 'dir', dir, `its model.json has no "metadata.${ATTRIBUTE_METADATA_KEY}" with the crops' normalization (write it with saveAttributeModel, e.g. by mobilenet-kit train face-attributes)`);
  }
  return createAttributePredictor([{ graph: model.graph, weights: model.weights }], { ...options, normalize: meta.normalize });
}
