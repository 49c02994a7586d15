import { loadModel } from '@mobilenet-kit/core/node';
import { type Classifier, type CreateClassifierOptions, createClassifier } from '../classify';

/** Loads a classifier model folder (model.json with classifier metadata) and compiles it on a backend. */
export async function loadClassifier(dir: string, options: CreateClassifierOptions): Promise<Classifier> {
  const { graph, weights, metadata } = await loadModel(dir);
  return createClassifier(graph, weights, metadata, options);
}
