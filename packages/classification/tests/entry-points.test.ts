// `@mobilenet-kit/classification` and `@mobilenet-kit/classification/node` are two entry points of one
// built package: an error thrown by the one must be an instance of the class the other exports, in
// ESM and in CJS (the build splits shared modules into chunks; one file per entry held two copies).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-entries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bad = path.join(dir, 'bad.idx');
writeFileSync(bad, Uint8Array.from([1, 2, 3]));

describe('the built entry points share their classes', () => {
  it('ESM: readIdxFile from /node throws the DatasetError the main entry exports', async () => {
    const { DatasetError } = await import('@mobilenet-kit/classification');
    const { readIdxFile } = await import('@mobilenet-kit/classification/node');
    await expect(readIdxFile(bad)).rejects.toBeInstanceOf(DatasetError);
  });

  it('CJS: the same through require', async () => {
    const require = createRequire(import.meta.url);
    const { DatasetError } = require('@mobilenet-kit/classification') as typeof import('@mobilenet-kit/classification');
    const { readIdxFile } = require('@mobilenet-kit/classification/node') as typeof import('@mobilenet-kit/classification/node');
    await expect(readIdxFile(bad)).rejects.toBeInstanceOf(DatasetError);
  });
});
