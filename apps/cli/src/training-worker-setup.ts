/**
 * The setup module of `mobilenet-kit train`'s worker threads (--threads):
 * loads the CLI's tfjs packages in the worker and starts the backend there,
 * as startBackend does in the main thread. Not an import for apps.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CLASSIFICATION_BACKENDS, type ClassificationBackend, startBackend } from './classification-support';

export async function setupTrainingWorker(tfBackend: string): Promise<{ tf: typeof tf; tfl: typeof tfl }> {
  if (!(CLASSIFICATION_BACKENDS as readonly string[]).includes(tfBackend)) throw new Error(`training worker: backend "${tfBackend}" is not one of ${CLASSIFICATION_BACKENDS.join(', ')}`);
  await startBackend(tfBackend as ClassificationBackend);
  return { tf, tfl };
}
