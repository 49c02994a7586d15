// The ESM and CJS builds of @mobilenet-kit/core are two module instances in one process; a backend
// registered through one must be compiled through the other (the dual-package hazard). Run against
// the built package, in child processes, so each starts with a clean globalThis.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_VERSION } from '../src/index';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs an ES module script with the package resolvable (cwd = the package, which can import itself by name). */
function runModule(source: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: packageDir, encoding: 'utf8', timeout: 60_000 });
}

describe('one backend registry per process', () => {
  it('CORE_VERSION is package.json\'s version', () => {
    expect(CORE_VERSION).toBe((JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('a backend registered through require() is listed and compiles through import', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { createRequire } from 'node:module';
        import { compile, listBackends, GraphBuilder } from '@mobilenet-kit/core';
        const require = createRequire(import.meta.url);
        const cjs = require('@mobilenet-kit/core');
        const { referenceBackend } = require('@mobilenet-kit/core/reference');
        const esm = await import('@mobilenet-kit/core');
        if (cjs.registerBackend === esm.registerBackend) throw new Error('the test needs two module instances');
        cjs.registerBackend(referenceBackend());
        const b = new GraphBuilder('g');
        const x = b.input('x', [1, 2]);
        b.output(b.add('r', 'activation', [x], { fn: 'relu' }), 'y');
        const model = await compile(b.build(), new Map(), { backend: 'reference' });
        const out = await model.run({ x: { shape: [1, 2], data: new Float32Array([-1, 3]) } });
        console.log(JSON.stringify({ listed: listBackends(), y: Array.from(out.y.data) }));
        `,
      ],
      { cwd: packageDir, encoding: 'utf8', timeout: 60_000 },
    );
    expect(JSON.parse(out)).toEqual({ listed: ['reference'], y: [0, 3] });
  });

  it('a copy of core that meets a registry of another layout stops with an error naming both versions', () => {
    const r = runModule(`
      Object.defineProperty(globalThis, Symbol.for('@mobilenet-kit/core backend registry'), { value: { layout: 99, coreVersion: '9.9.9' } });
      await import('@mobilenet-kit/core');
    `);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`@mobilenet-kit/core ${CORE_VERSION} found the backend registry of another copy of @mobilenet-kit/core (9.9.9)`);
    expect(r.stderr).toContain('npm ls @mobilenet-kit/core');
  });
});
