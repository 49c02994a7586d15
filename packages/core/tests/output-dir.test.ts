import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOutputDir, OutputPathError } from '../src/node/index';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mobilenet-kit-out-'));
  await fs.writeFile(path.join(root, 'file'), 'x');
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('ensureOutputDir', () => {
  it('creates missing parents one level at a time and returns the folder', async () => {
    const dir = path.join(root, 'a', 'b', 'c');
    expect(await ensureOutputDir(dir)).toBe(dir);
    expect((await fs.stat(dir)).isDirectory()).toBe(true);
    expect(await ensureOutputDir(dir)).toBe(dir);
  });
  const cases: [string, () => string, RegExp][] = [
    ['a folder under /proc (Node 20 recursive mkdir hangs there)', () => '/proc/mobilenet-kit-out/x', /^--out "\/proc\/mobilenet-kit-out\/x": cannot create "\/proc\/mobilenet-kit-out": the file system refuses new folders in "\/proc"/],
    ['an existing file (EEXIST)', () => path.join(root, 'file'), /--out ".*file": exists and is a regular file, not a folder$/],
    ['a folder under a file (ENOTDIR)', () => path.join(root, 'file', 'sub'), /cannot be created: ".*file" is a regular file, not a folder$/],
  ];
  for (const [name, dir, message] of cases) {
    it(`refuses ${name}, naming the flag`, async () => {
      const error = await ensureOutputDir(dir(), '--out').catch((e) => e);
      expect(error).toBeInstanceOf(OutputPathError);
      expect(error.message).toMatch(message);
    });
  }
});
