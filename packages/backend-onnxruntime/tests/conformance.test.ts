import { conformanceCases } from '@mobilenet-kit/core/conformance';
import { describe, it } from 'vitest';
import { registerOnnxruntimeBackend } from '../src/index';

registerOnnxruntimeBackend({ threads: 1 });

describe('onnxruntime: core conformance suite', () => {
  for (const c of conformanceCases({ backend: 'onnxruntime' })) it(`${c.group}: ${c.name}`, c.run);
});
