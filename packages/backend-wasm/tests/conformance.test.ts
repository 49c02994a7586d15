import { conformanceCases } from '@mobilenet-kit/core/conformance';
import { describe, it } from 'vitest';
import { registerWasmBackend } from '../src/index';

registerWasmBackend();

describe('wasm: core conformance suite', () => {
  for (const c of conformanceCases({ backend: 'wasm' })) it(`${c.group}: ${c.name}`, c.run);
});
