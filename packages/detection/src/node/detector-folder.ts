import type { Graph, Weights } from '@mobilenet-kit/core';
import { loadModel, type SavedModel, saveModel } from '@mobilenet-kit/core/node';
import { createDetector, type Detector, type DetectorOptions } from '../detector';
import { type DetectorConfig, type DetectorConfigInput, detectorConfig, detectorOptions } from '../detector-config';

/** A detector folder in memory. */
export interface DetectorFolder {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly config: DetectorConfig;
}

/**
 * Writes a detector folder: core's model folder (model.json + .bin shards, atomic) whose
 * `metadata` is the detector config (anchor generator, labels, preprocessing, score and box
 * coder settings, detect() defaults). The anchors are generated once here to check that the
 * generator fits the graph.
 */
export async function saveDetector(dir: string, folder: { graph: Graph; weights: Weights; config: DetectorConfigInput | DetectorConfig }): Promise<SavedModel> {
  const config = detectorConfig(folder.config, 'saveDetector');
  detectorOptions(folder.graph, config, 'check'); // the anchor count must fit the graph before anything is written
  return saveModel(dir, folder.graph, folder.weights, { metadata: config as unknown as Record<string, unknown> });
}

/** Reads a detector folder (validated as core's loadModel does; the config checked field by field). */
export async function readDetectorFolder(dir: string): Promise<DetectorFolder> {
  const model = await loadModel(dir);
  const config = detectorConfig((model.metadata ?? {}) as unknown as DetectorConfig, `loadDetector(${dir})`);
  return { graph: model.graph, weights: model.weights, config };
}

/** Loads a detector folder and compiles it on the named backend: a Detector, with the folder's config. */
export async function loadDetector(dir: string, options: { backend: string; compileOptions?: DetectorOptions['compileOptions'] }): Promise<Detector & { readonly config: DetectorConfig }> {
  const { graph, weights, config } = await readDetectorFolder(dir);
  const detector = await createDetector(graph, weights, detectorOptions(graph, config, options.backend, options.compileOptions));
  return Object.assign(detector, { config });
}
