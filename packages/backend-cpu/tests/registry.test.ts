import { execFileSync } from 'node:child_process';
import { compile, GraphBuilder, listBackends } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';

describe('cpu: registration', () => {
  it('the /register entry registers "cpu" in core\'s registry', async () => {
    await import('@mobilenet-kit/backend-cpu/register');
    expect(listBackends()).toContain('cpu');
    const b = new GraphBuilder('relu');
    b.output(b.add('relu', 'activation', [b.input('x', [null, 2])], { fn: 'relu' }));
    const model = await compile(b.build(), new Map(), { backend: 'cpu' });
    expect(model.backend.name).toBe('cpu');
    const out = await model.run({ x: { shape: [1, 2], data: Float32Array.from([-1, 1]) } });
    expect([...out.relu!.data]).toEqual([0, 1]);
    model.dispose();
  });

  it('an unknown backend is named with the registered ones', async () => {
    const b = new GraphBuilder('g');
    b.output(b.input('x', [null, 2]));
    await expect(compile(b.build(), new Map(), { backend: 'tpu' })).rejects.toThrow(/backend "tpu" is not registered \(registered: .*cpu/);
  });

  it('the CommonJS build loads and runs', () => {
    const script = `
      const { registerCpuBackend } = require('@mobilenet-kit/backend-cpu');
      const { compile, GraphBuilder } = require('@mobilenet-kit/core');
      registerCpuBackend();
      const b = new GraphBuilder('g');
      b.output(b.add('s', 'activation', [b.input('x', [null, 1])], { fn: 'sigmoid' }));
      compile(b.build(), new Map(), { backend: 'cpu' })
        .then((m) => m.run({ x: { shape: [1, 1], data: new Float32Array([0]) } }))
        .then((out) => process.stdout.write(JSON.stringify(Array.from(out.s.data))));
    `;
    const stdout = execFileSync(process.execPath, ['-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    expect(stdout).toBe('[0.5]');
  });
});
