import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/node';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mk-atomic-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a string, bytes, or parts back to back, replacing the old file', async () => {
    const file = path.join(root, 'a.json');
    await writeFileAtomic(file, 'old');
    expect(await fs.readFile(file, 'utf8')).toBe('old');
    await writeFileAtomic(file, [new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]);
    expect([...(await fs.readFile(file))]).toEqual([1, 2, 3]);
    await writeFileAtomic(file, new Uint8Array([9]));
    expect([...(await fs.readFile(file))]).toEqual([9]);
    expect(await fs.readdir(root)).toEqual(['a.json']);
  });

  it('leaves the old file and no temporary file behind when the rename fails', async () => {
    const target = path.join(root, 'dir-in-the-way');
    await fs.mkdir(path.join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect(await fs.readdir(root)).toEqual(['dir-in-the-way']);
    expect(await fs.readdir(target)).toEqual(['child']);
  });

  it('fails with the system error when the folder does not exist, creating nothing', async () => {
    await expect(writeFileAtomic(path.join(root, 'missing', 'a.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readdir(root)).toEqual([]);
  });
});
