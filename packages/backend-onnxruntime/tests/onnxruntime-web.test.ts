import { compile, unregisterBackend } from '@mobilenet-kit/core';
import { conformanceCases } from '@mobilenet-kit/core/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { registerOnnxruntimeBackend } from '../src/index';

/**
 * The browser path (onnxruntime-web, its WebAssembly build) runs in Node too
 * (shared/FACTS.md), so the code that browsers take is tested here, under a
 * second name so that it does not replace the native backend of other files.
 */
describe('onnxruntime-web (wasm) in Node', () => {
  const backend = registerOnnxruntimeBackend({ runtime: 'onnxruntime-web', threads: 1 });
  const name = 'onnxruntime';
  afterAll(() => unregisterBackend(name));

  it('reports the runtime and the wasm execution provider', async () => {
    const { GraphBuilder } = await import('@mobilenet-kit/core');
    const b = new GraphBuilder('g');
    b.output(b.add('y', 'activation', [b.input('x', [null, 3])], { fn: 'relu6' }));
    const model = await compile(b.build(), new Map(), { backend: name });
    expect(model.backend).toEqual({ name: 'onnxruntime', runtime: 'onnxruntime-web', threads: 1, executionProvider: 'wasm' });
    const out = await model.run({ x: { shape: [1, 3], data: new Float32Array([-1, 3, 9]) } });
    expect([...out.y!.data]).toEqual([0, 3, 6]);
    model.dispose();
    expect(backend.name).toBe(name);
  });

  describe('quick conformance subset', () => {
    for (const c of conformanceCases({ backend: name, quick: true })) it(`${c.group}: ${c.name}`, c.run);
  });
});
