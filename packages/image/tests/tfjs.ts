import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** tfjs-core on tfjs-backend-cpu: the reference that resize and normalization are compared with. */
export async function cpuTf(): Promise<typeof tf> {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner in the test output
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend failed to start');
  return tf;
}
