import { loadModel } from '@mobilenet-kit/core/node';
import { ClassificationOptionError } from '../errors';
import { type Classifier, type CreateClassifierOptions, createClassifier } from '../classify';

/** Loads a classifier model folder (model.json with classifier metadata) and compiles it on a backend. */
export async function loadClassifier(dir: string, options: CreateClassifierOptions): Promise<Classifier> {
  const { graph, weights, metadata } = await loadModel(dir);
  try {
    return await createClassifier(graph, weights, metadata, options);
  } catch (e) {
    // Name the folder, not only the graph: "model folder "runs/faces/model": not a classifier: ...".
    if (e instanceof ClassificationOptionError && e.option === 'metadata.task') e.message = e.message.replace(`classifier "${graph.name}"`, `model folder "${dir}"`);
    throw e;
  }
}
