// A COCO instances JSON is read as a regular file with core's bounded JSON reader: nested 100 000 levels it is
// an error naming the depth limit (it was parsed, then "annotations is missing"); a FIFO is refused, not read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCocoDataset } from '../src/node/index';

const dir = mkdtempSync(path.join(tmpdir(), 'coco-bounded-'));

describe('readCocoDataset: bounded input', () => {
  it('JSON nested 100 000 levels: the depth limit, naming the file', async () => {
    const file = path.join(dir, 'deep.json');
    writeFileSync(file, `{"images":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    await expect(readCocoDataset(file)).rejects.toThrow(/deep\.json.*cannot read COCO JSON: JSON nests deeper than the limit of 256 levels/);
  });
  it('a FIFO: not a regular file', async () => {
    const file = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [file]);
    await expect(readCocoDataset(file)).rejects.toThrow(/pipe\.json.*cannot read COCO JSON: COCO JSON is not a regular file \(a FIFO/);
  });
  it('cut short: not valid JSON, naming the file', async () => {
    const file = path.join(dir, 'cut.json');
    writeFileSync(file, '{"images": [');
    await expect(readCocoDataset(file)).rejects.toThrow(/cut\.json.*cannot read COCO JSON: not valid JSON/);
  });
});
