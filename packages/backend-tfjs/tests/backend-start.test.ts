import { GraphBuilder } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend, withTfBackend } from '../src/index';
import { tf } from './helpers/setup';

describe('createTfjsBackend: starting', () => {
  it('a tfjs backend whose package was not imported fails with the registered ones named', async () => {
    const backend = createTfjsBackend({ name: 'gpu', tf, tfBackendName: 'webgl' });
    await expect(backend.init!()).rejects.toThrow(/^no tfjs backend "webgl" is registered with tfjs \(registered: .*cpu.*\); import its tfjs package$/);
  });

  it("a tfjs backend that fails to initialize reports the reason tfjs logged, and the init hook's own errors pass through", async () => {
    tf.registerBackend('broken', () => {
      throw new Error('no device here');
    });
    await expect(createTfjsBackend({ name: 'b', tf, tfBackendName: 'broken' }).init!()).rejects.toThrow("tf.setBackend('broken') returned false: Error: no device here");
    tf.removeBackend('broken');
    const hook = createTfjsBackend({ name: 'h', tf, tfBackendName: 'cpu', init: async () => Promise.reject(new Error('missing license')) });
    await expect(hook.init!()).rejects.toThrow('missing license');
  });

  it('compile starts the backend itself when it is used without the registry', async () => {
    const b = new GraphBuilder('g');
    b.output(b.add('s', 'activation', [b.input('x', [null, 1])], { fn: 'sigmoid' }));
    const model = await createTfjsBackend({ name: 'direct', tf, tfBackendName: 'cpu' }).compile(b.build(), new Map());
    expect(model.backend).toEqual({ name: 'direct', tfjsBackend: 'cpu' });
    expect([...(await model.run({ x: { shape: [1, 1], data: new Float32Array([0]) } })).s!.data]).toEqual([0.5]);
    model.dispose();
  });

  it('withTfBackend runs queued work in order, each on its own backend', async () => {
    tf.registerBackend('cpu-b', () => new (tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend)());
    const seen: string[] = [];
    await Promise.all([
      withTfBackend(tf, 'cpu', () => seen.push(`1:${tf.getBackend()}`)),
      withTfBackend(tf, 'cpu-b', () => seen.push(`2:${tf.getBackend()}`)),
      withTfBackend(tf, 'cpu', () => seen.push(`3:${tf.getBackend()}`)),
    ]);
    expect(seen).toEqual(['1:cpu', '2:cpu-b', '3:cpu']);
    await withTfBackend(tf, 'cpu', () => undefined);
    tf.removeBackend('cpu-b');
  });
});
