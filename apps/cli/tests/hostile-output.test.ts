import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('output folders that cannot be created fail before any work, naming the flag', () => {
  it('detect --out under /proc is an error (it used to hang: Node 20 recursive mkdir loops there)', async () => {
    const run = await runCli(['detect', '--out', '/proc/mobilenet-kit-out/x', 'missing.jpg']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--out "\/proc\/mobilenet-kit-out\/x": cannot create "\/proc\/mobilenet-kit-out": the file system refuses new folders in "\/proc"/);
  });
  it('detect --out naming an existing file (EEXIST) is an error naming --out', async () => {
    const run = await runCli(['detect', '--out', 'package.json', 'missing.jpg']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--out ".*package\.json": exists and is a regular file, not a folder/);
  });
});
