// A damaged face distillation data folder (train face-distill's <out>/data, reused by train face-attributes
// --data-cache) is an error naming distill-set.json and what is wrong — it was a bare "Unexpected end of JSON
// input" or "Cannot read properties of undefined (reading 'bytes')"; a FIFO in its place is refused, not read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDistillSet } from '@mobilenet-kit/face/training';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(path.join(tmpdir(), 'face-distill-damaged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, json: string | undefined): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  if (json !== undefined) writeFileSync(path.join(dir, 'distill-set.json'), json);
  writeFileSync(path.join(dir, 'distill-set.bin'), Buffer.alloc(16));
  return dir;
}

describe('loadDistillSet on damaged folders', () => {
  it('no distill-set.json: no cached set (undefined)', async () => {
    expect(await loadDistillSet(folder('none', undefined))).toBeUndefined();
  });
  const cases: [string, string, RegExp][] = [
    ['cut short', '{"cropSize": 64, "faces": [', /distill-set\.json: not valid JSON: .*damaged\? delete the folder/],
    ['nested 100 000 levels', `{"faces":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /distill-set\.json: JSON nests deeper than the limit of 256 levels/],
    ['without its "bin" entry', JSON.stringify({ cropSize: 64, dimensions: 128, faces: [] }), /distill-set\.json: no "bin": \{ bytes, sha256 \}/],
    ['with cropSize -1', JSON.stringify({ cropSize: -1, dimensions: 128, bin: { bytes: 16, sha256: 'x' }, faces: [] }), /distill-set\.json: cropSize -1 and dimensions 128 are not positive integers/],
    ['without its view lists', JSON.stringify({ cropSize: 64, dimensions: 128, bin: { bytes: 16, sha256: 'x' }, faces: [] }), /distill-set\.json: "trainViews" is not an array/],
  ];
  for (const [what, json, message] of cases) {
    it(`distill-set.json ${what}: an error naming the file`, async () => {
      await expect(loadDistillSet(folder(what.replace(/\W+/g, '-'), json))).rejects.toThrow(message);
    });
  }
  it('distill-set.json that is a FIFO: "not a regular file" (a read would block)', async () => {
    const dir = folder('fifo', undefined);
    execFileSync('mkfifo', [path.join(dir, 'distill-set.json')]);
    await expect(loadDistillSet(dir)).rejects.toThrow(/distill-set\.json: distillation data is not a regular file \(a FIFO/);
  });
});
