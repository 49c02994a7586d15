import { registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';

// Its own file: the wasm backend must not have started before the kernels are registered (trainClassifier
// registers them before it activates the backend), so that the replaced kernels' setup hooks are what start it.
it("registered before the wasm backend starts, wasm's own input gradient (3×3) still runs and agrees with cpu", async () => {
  expect(registerTrainingKernels(tf, 'wasm')).toContain('Conv2DBackpropInput');
  const inputGradient = () =>
    tf.tidy(() => {
      const x = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 1);
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))))(x).dataSync() as Float32Array;
    });
  expect(await tf.setBackend('cpu')).toBe(true);
  const reference = inputGradient();
  expect(await tf.setBackend('wasm')).toBe(true);
  const ours = inputGradient();
  expect(ours.length).toBe(reference.length);
  for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - reference[i]!)).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(reference[i]!)));
});
