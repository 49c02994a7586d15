import { compile, GraphBuilder, unregisterBackend } from '@mobilenet-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrtModule, OrtSession, OrtTensor } from '../src/ort-runtime';
import { registerOnnxruntimeBackend } from '../src/index';

/**
 * A stand-in for onnxruntime as the browsers' onnxruntime-web behaves: a
 * session refuses a run while another is in progress ("Session already
 * started", its wasm provider; its webgpu provider never settles the second
 * run in Chromium 156). Records how many runs overlapped at most.
 */
function fakeOrt(): { ort: OrtModule; maxOverlap: () => number } {
  let running = 0;
  let maxOverlap = 0;
  class Tensor implements OrtTensor {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: readonly number[],
    ) {}
  }
  const session: OrtSession = {
    inputNames: ['x'],
    outputNames: ['y'],
    async run(feeds) {
      if (running > 0) throw new Error('Session already started');
      running++;
      maxOverlap = Math.max(maxOverlap, running);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const x = feeds.x!;
        if ((x.data as Float32Array)[0] === -99) throw new Error('the session failed');
        return { y: new Tensor('float32', Float32Array.from(x.data as Float32Array, (v) => Math.min(6, Math.max(0, v))), x.dims) };
      } finally {
        running--;
      }
    },
    async release() {},
  };
  const ort = { InferenceSession: { create: async () => session }, Tensor, env: { wasm: {} } } as unknown as OrtModule;
  return { ort, maxOverlap: () => maxOverlap };
}

function relu6() {
  const b = new GraphBuilder('relu6');
  b.output(b.add('y', 'activation', [b.input('x', [null, 3])], { fn: 'relu6' }));
  return b.build();
}

describe('onnxruntime-web: runs on one compiled model go to its session one at a time', () => {
  afterEach(() => unregisterBackend('onnxruntime'));

  it('concurrent run() calls all resolve, with their own results, and never overlap in the session', async () => {
    const fake = fakeOrt();
    registerOnnxruntimeBackend({ runtime: 'onnxruntime-web', executionProviders: ['webgpu'], importer: async () => fake.ort });
    const model = await compile(relu6(), new Map(), { backend: 'onnxruntime' });
    const outs = await Promise.all([-1, 2, 9].map((v) => model.run({ x: { shape: [1, 3], data: new Float32Array([v, v, v]) } })));
    expect(outs.map((o) => [...o.y!.data])).toEqual([
      [0, 0, 0],
      [2, 2, 2],
      [6, 6, 6],
    ]);
    expect(fake.maxOverlap()).toBe(1);
    model.dispose();
  });

  it('a run the session fails does not stop the ones queued after it', async () => {
    const fake = fakeOrt();
    registerOnnxruntimeBackend({ runtime: 'onnxruntime-web', importer: async () => fake.ort });
    const model = await compile(relu6(), new Map(), { backend: 'onnxruntime' });
    const results = await Promise.allSettled([
      model.run({ x: { shape: [1, 3], data: new Float32Array([1, 2, 3]) } }),
      model.run({ x: { shape: [1, 3], data: new Float32Array([-99, 0, 0]) } }),
      model.run({ x: { shape: [1, 3], data: new Float32Array([7, 8, 9]) } }),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.status))).toEqual(['fulfilled', 'the session failed', 'fulfilled']);
    expect([...(results[2] as PromiseFulfilledResult<Record<string, { data: Float32Array }>>).value.y!.data]).toEqual([6, 6, 6]);
    model.dispose();
  });
});
