import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputDir, ensureOutputDir, mkdirLevels, OutputPathError } from '../src/node/index';

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

describe('checkOutputDir (before any work, nothing left behind)', () => {
  it('accepts an existing folder and a missing one under a writable folder, creating nothing', async () => {
    const missing = path.join(root, 'later', 'out');
    expect(await checkOutputDir(missing)).toBe(missing);
    expect(await fs.readdir(root)).not.toContain('later');
    expect((await fs.readdir(root)).filter((f) => f.startsWith('.mobilenet-kit-probe'))).toEqual([]);
  });
  const cases: [string, () => string, RegExp][] = [
    ['a folder under /proc', () => '/proc/mobilenet-kit-out/x', /^--out "\/proc\/mobilenet-kit-out\/x": cannot create a folder in "\/proc": the file system refuses new folders/],
    ['an existing file', () => path.join(root, 'file'), /--out ".*file": exists and is a regular file, not a folder$/],
    ['a folder under a file', () => path.join(root, 'file', 'sub'), /cannot be created: ".*file" is a regular file, not a folder$/],
    ['a folder under /sys/kernel (EPERM, even for root)', () => '/sys/kernel/mobilenet-kit-out', /^--out "\/sys\/kernel\/mobilenet-kit-out": cannot create a folder in "\/sys\/kernel": permission denied$/],
  ];
  for (const [name, dir, message] of cases) {
    it(`refuses ${name}, naming the flag`, async () => {
      const error = await checkOutputDir(dir(), '--out').catch((e) => e);
      expect(error).toBeInstanceOf(OutputPathError);
      expect(error.message).toMatch(message);
    });
  }
});

describe('mkdirLevels', () => {
  it('makes missing levels one at a time; under /proc it fails with ENOENT instead of looping (Node 20 recursive mkdir)', async () => {
    await mkdirLevels(path.join(root, 'm', 'n'));
    expect((await fs.stat(path.join(root, 'm', 'n'))).isDirectory()).toBe(true);
    await expect(mkdirLevels('/proc/mobilenet-kit-levels/a')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('saveModel under /proc', () => {
  it('is a ModelFormatError naming the folder (it hung: the parent was made with a recursive mkdir)', async () => {
    const { saveModel } = await import('../src/node/index');
    const { ModelFormatError } = await import('../src/errors');
    const { deterministicWeights, smallGraph } = await import('./fixtures/model-graph/small-model');
    const graph = smallGraph();
    const error = await saveModel('/proc/mobilenet-kit-save/m', graph, deterministicWeights(graph)).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/"\/proc\/mobilenet-kit-save": cannot create the parent folder: ENOENT/);
  });
});
