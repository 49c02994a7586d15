import { execFileSync } from 'node:child_process';
import { compile, GraphBuilder, listBackends } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { webglBackend } from '../src/index';

function tinyGraph() {
  const b = new GraphBuilder('tiny');
  b.output(b.add('y', 'activation', [b.input('x', [null, 3])], { fn: 'relu6' }));
  return b.build();
}

describe('webgl in Node (no WebGL)', () => {
  it('the /register entry registers "webgl"; compiling fails naming the cause and the backends that run in Node, and nothing falls back', async () => {
    await import('@mobilenet-kit/backend-webgl/register');
    expect(listBackends()).toContain('webgl');
    await expect(compile(tinyGraph(), new Map(), { backend: 'webgl' })).rejects.toThrow(
      `backend "webgl" failed to start: no WebGL in Node ${process.versions.node}: the webgl backend runs in browsers (tfjs-backend-webgl registers its backend only there); in Node use the "wasm" or "cpu" backend`,
    );
  });

  it('the CommonJS build fails the same way', () => {
    const script = `
      const { registerWebGLBackend } = require('@mobilenet-kit/backend-webgl');
      const { compile, GraphBuilder } = require('@mobilenet-kit/core');
      registerWebGLBackend();
      const b = new GraphBuilder('g');
      b.output(b.input('x', [null, 1]));
      compile(b.build(), new Map(), { backend: 'webgl' }).then(() => process.stdout.write('started'), (e) => process.stdout.write(e.message));
    `;
    const stdout = execFileSync(process.execPath, ['-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    expect(stdout).toMatch(/^backend "webgl" failed to start: no WebGL in Node /);
  });
});

describe('webgl options', () => {
  it('a textures value outside auto/float32/float16 is refused, naming the value and what is allowed', () => {
    expect(() => webglBackend({ textures: 'half' as never })).toThrow(`webgl backend: textures must be one of 'auto', 'float32', 'float16', got "half"`);
  });

  it('packed, software and fused must be booleans', () => {
    expect(() => webglBackend({ packed: 'yes' as never })).toThrow('webgl backend: packed must be a boolean, got "yes"');
    expect(() => webglBackend({ software: 1 as never })).toThrow('webgl backend: software must be a boolean, got 1');
    expect(() => webglBackend({ fused: null as never })).toThrow('webgl backend: fused must be a boolean, got null');
  });
});
