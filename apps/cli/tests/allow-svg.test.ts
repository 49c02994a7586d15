import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-svg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plain = path.join(dir, 'plain.svg');
writeFileSync(plain, '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="64"><rect width="96" height="64" fill="#468"/><circle cx="48" cy="32" r="20" fill="#fc8"/></svg>');
const linking = path.join(dir, 'linking.svg');
writeFileSync(linking, '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"><image xlink:href="file:///etc/passwd" width="64" height="64"/></svg>');

type Report = { images: ({ file: string; width: number; height: number } | { file: string; error: string })[] };

describe('--allow-svg', () => {
  it('detect refuses an SVG by default and names the flag; with --allow-svg it reads a self-contained one', async () => {
    const refused = await runCli(['detect', plain, '--json', '--backend', 'wasm']);
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stdout) as Report).images[0]!;
    expect('error' in error && error.error).toMatch(/SVG is refused by default.*--allow-svg/);
    const allowed = await runCli(['detect', plain, '--json', '--backend', 'wasm', '--allow-svg']);
    expect(allowed.code).toBe(0);
    expect((JSON.parse(allowed.stdout) as Report).images[0]).toMatchObject({ width: 96, height: 64 });
  });

  it('an SVG that refers to another file stays refused with --allow-svg, naming the reference (embed)', async () => {
    const r = await runCli(['embed', linking, '--allow-svg', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/linking\.svg.*(href|reference)/i);
  });

  it('every command that reads images offers the flag', async () => {
    for (const command of ['detect', 'embed', 'match', 'attributes', 'classify']) {
      const help = await runCli([command, '--help']);
      expect(help.stdout, command).toMatch(/--allow-svg/);
    }
  });
});
