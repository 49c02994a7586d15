import { conformanceCases } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { registerCpuBackend } from '../src/index';

registerCpuBackend();

// quick: the cpu backend is slow on big models; MobileNet 1.0-224 runs in the wasm package.
describe('cpu: core conformance suite', () => {
  for (const c of conformanceCases({ backend: 'cpu', resources: () => tf.memory().numTensors, quick: true })) it(`${c.group}: ${c.name}`, c.run);
});
