/**
 * The script of a data-parallel training worker thread (createThreadWorkers
 * starts it; not an import for apps).
 */
import { parentPort } from 'node:worker_threads';
import { runTrainingWorker } from './training/worker-main';

if (!parentPort) throw new Error('training-worker runs in a worker thread started by createThreadWorkers, not on its own');
runTrainingWorker(parentPort as unknown as Parameters<typeof runTrainingWorker>[0]);
