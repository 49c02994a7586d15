import { conformanceCases } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { registerWasmBackend } from '../src/index';

registerWasmBackend();

describe('wasm: core conformance suite', () => {
  for (const c of conformanceCases({ backend: 'wasm', resources: () => tf.memory().numTensors })) it(`${c.group}: ${c.name}`, c.run);
});
