import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// These run the built command as a user would; `pnpm --filter @mobilenet-kit/cli build` first (turbo's test task does).
const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(packageDir, 'bin', 'mobilenet-kit.js');
const built = path.join(packageDir, 'dist', 'bin.js');

function runBin(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: packageDir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/mobilenet-kit.js (the launcher of dist/bin.js)', () => {
  beforeAll(() => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm --filter @mobilenet-kit/cli build\` first`);
  });

  it('is an executable ESM script with a node shebang, named by package.json "bin"', () => {
    const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string>; type: string };
    expect(pkg.bin).toEqual({ 'mobilenet-kit': './bin/mobilenet-kit.js' });
    expect(pkg.type).toBe('module');
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
    const direct = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(direct.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('summary --json prints the cost of 1.0 MobileNet-224 and exits 0', () => {
    const r = runBin(['summary', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { totals } = JSON.parse(r.stdout) as { totals: { multAdds: number; params: number } };
    expect(Math.abs(totals.multAdds - 569e6) / 569e6).toBeLessThan(0.005);
    expect(Math.abs(totals.params - 4.2e6) / 4.2e6).toBeLessThan(0.005);
  });

  it('a bad value exits 2 with the message on stderr', () => {
    const r = runBin(['summary', '--resolution', '20']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--resolution "20" is not allowed; --resolution takes an integer ≥ 32');
  });

  it('runs from the repository root as `pnpm -s mobilenet-kit`', () => {
    const r = spawnSync('pnpm', ['-s', 'mobilenet-kit', 'summary', '--alpha', '0.25', '--json'], { cwd: path.join(packageDir, '..', '..'), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).model.label).toBe('0.25 MobileNet-224');
  });
});
