import { execFileSync } from 'node:child_process';
import { compile, GraphBuilder, listBackends } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { autoThreads } from './helpers/models';

describe('wasm: registration', () => {
  it('the /register entry registers "wasm" with binaries from node_modules', async () => {
    await import('@mobilenet-kit/backend-wasm/register');
    expect(listBackends()).toContain('wasm');
    const b = new GraphBuilder('relu6');
    b.output(b.add('r', 'activation', [b.input('x', [null, 3])], { fn: 'relu6' }));
    const model = await compile(b.build(), new Map(), { backend: 'wasm' });
    expect(model.backend.tfjsBackend).toBe('wasm');
    expect([...(await model.run({ x: { shape: [1, 3], data: Float32Array.from([-1, 2, 9]) } })).r!.data]).toEqual([0, 2, 6]);
    model.dispose();
  });

  it('the CommonJS build finds the binaries too', () => {
    const script = `
      const { registerWasmBackend } = require('@mobilenet-kit/backend-wasm');
      const { compile, GraphBuilder } = require('@mobilenet-kit/core');
      registerWasmBackend();
      const b = new GraphBuilder('g');
      b.output(b.add('s', 'activation', [b.input('x', [null, 1])], { fn: 'sigmoid' }));
      compile(b.build(), new Map(), { backend: 'wasm' })
        .then((m) => m.run({ x: { shape: [1, 1], data: new Float32Array([0]) } }).then((out) => [m.backend, Array.from(out.s.data)]))
        .then((r) => process.stdout.write(JSON.stringify(r)));
    `;
    const stdout = execFileSync(process.execPath, ['-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual([{ name: 'wasm', tfjsBackend: 'wasm', simd: true, threads: autoThreads() }, [0.5]]);
  });
});
