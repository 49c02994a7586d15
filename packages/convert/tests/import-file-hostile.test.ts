// importModelFile on hostile paths and JSON: a ModelFormatError naming the file, never a hang (a FIFO) or a
// bare "Maximum call stack size exceeded" (JSON nested 100 000 levels).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@mobilenet-kit/core';
import { importModelFile } from '@mobilenet-kit/convert/node';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'convert-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const deep = (key: string) => `{"${key}":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

describe('importModelFile: hostile files', () => {
  it('a FIFO is "not a regular file" (reading it blocked forever)', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.onnx')]);
    const error = await importModelFile(path.join(dir, 'pipe.onnx')).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/pipe\.onnx": is not a regular file \(a FIFO \(named pipe\)\)/);
  });
  it('a model.json nested 100 000 levels names the depth limit (it was "Maximum call stack size exceeded")', async () => {
    mkdirSync(path.join(dir, 'deep'));
    writeFileSync(path.join(dir, 'deep', 'model.json'), deep('modelTopology'));
    const error = await importModelFile(path.join(dir, 'deep')).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/deep\/model\.json": JSON nests deeper than the limit of 256 levels/);
  });
  it('a Teachable Machine metadata.json nested 100 000 levels or cut short names that file', async () => {
    mkdirSync(path.join(dir, 'tm'));
    writeFileSync(path.join(dir, 'tm', 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
    writeFileSync(path.join(dir, 'tm', 'metadata.json'), deep('labels'));
    const error = await importModelFile(path.join(dir, 'tm')).catch((e) => e);
    expect(error.message).toMatch(/tm\/metadata\.json": JSON nests deeper than the limit/);
    writeFileSync(path.join(dir, 'tm', 'metadata.json'), '{"labels": [');
    expect((await importModelFile(path.join(dir, 'tm')).catch((e) => e)).message).toMatch(/tm\/metadata\.json": not valid JSON: /);
  });
});
