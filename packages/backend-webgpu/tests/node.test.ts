import { execFileSync } from 'node:child_process';
import { compile, GraphBuilder, listBackends } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { requireWebGPUAdapter, webgpuBackend } from '../src/index';

function tinyGraph() {
  const b = new GraphBuilder('tiny');
  b.output(b.add('y', 'activation', [b.input('x', [null, 3])], { fn: 'relu6' }));
  return b.build();
}

const IN_NODE = `no WebGPU in Node ${process.versions.node}: the webgpu backend runs in browsers (tfjs-backend-webgpu registers its backend only there); in Node use the "wasm" or "cpu" backend`;

describe('webgpu in Node (no WebGPU)', () => {
  it('the /register entry registers "webgpu"; compiling fails naming the cause and the backends that run in Node, and nothing falls back', async () => {
    await import('@mobilenet-kit/backend-webgpu/register');
    expect(listBackends()).toContain('webgpu');
    await expect(compile(tinyGraph(), new Map(), { backend: 'webgpu' })).rejects.toThrow(`backend "webgpu" failed to start: ${IN_NODE}`);
  });

  it('requireWebGPUAdapter says the same', async () => {
    await expect(requireWebGPUAdapter()).rejects.toThrow(IN_NODE);
  });

  it('the CommonJS build fails the same way', () => {
    const script = `
      const { registerWebGPUBackend } = require('@mobilenet-kit/backend-webgpu');
      const { compile, GraphBuilder } = require('@mobilenet-kit/core');
      registerWebGPUBackend();
      const b = new GraphBuilder('g');
      b.output(b.input('x', [null, 1]));
      compile(b.build(), new Map(), { backend: 'webgpu' }).then(() => process.stdout.write('started'), (e) => process.stdout.write(e.message));
    `;
    const stdout = execFileSync(process.execPath, ['-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    expect(stdout).toMatch(/^backend "webgpu" failed to start: no WebGPU in Node /);
  });
});

describe('webgpu options', () => {
  it('fused must be a boolean', () => {
    expect(() => webgpuBackend({ fused: 'yes' as never })).toThrow('webgpu backend: fused must be a boolean, got "yes"');
  });
});
