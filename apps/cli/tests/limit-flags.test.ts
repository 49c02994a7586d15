// The global limit flags --max-pixels, --max-json-bytes and --max-json-depth: each raises (or lowers) a
// bound for the command it runs, is named in the error that the bound causes, and is gone after the run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodePng } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
/** A FaceMatcher JSON nested `depth` levels deep in a field the reader does not know. */
const deepGallery = (depth: number) => `{"distanceThreshold":0.6,"x":${'['.repeat(depth)}${']'.repeat(depth)},"labeledDescriptors":[]}`;

beforeAll(async () => {
  writeFileSync(at('photo.png'), await encodePng({ width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(90) }));
  writeFileSync(at('deep.json'), deepGallery(300));
});

describe('global limit flags', () => {
  it('--max-pixels: an image above it is refused, naming the flag; one at it is decoded; the default comes back after the run', async () => {
    const r = await runCli(['detect', at('photo.png'), '--max-pixels', '1000', '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/photo\.png": image is 40×30 = 1200 pixels, more than maxPixels 1000 \(pass a larger decodeImage\(\{ maxPixels \}\) to accept it; CLI: --max-pixels\)/);
    expect(process.env.MOBILENET_KIT_MAX_PIXELS).toBeUndefined();
    const ok = await runCli(['detect', at('photo.png'), '--max-pixels', '1200', '--backend', 'wasm', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).images[0]).toMatchObject({ width: 40, height: 30 });
  });

  it('--max-json-depth: a gallery nested 300 levels is refused by default, naming the flag, and read with --max-json-depth=400', async () => {
    const deep = await runCli(['match', '--gallery', at('deep.json'), '--backend', 'wasm']);
    expect(deep.code).toBe(1);
    expect(deep.stderr).toMatch(/deep\.json: JSON nests deeper than the limit of 256 levels .*CLI: --max-json-depth\)/);
    const raised = await runCli(['match', '--gallery', at('deep.json'), '--max-json-depth=400', '--backend', 'wasm']);
    expect(raised.code).toBe(1);
    // Past the depth check: the gallery's own content is what is wrong now.
    expect(raised.stderr).toMatch(/deep\.json: "labeledDescriptors" is empty/);
  });

  it('--max-json-bytes: a JSON document above it is refused, naming the flag', async () => {
    const r = await runCli(['--max-json-bytes', '100', 'match', '--gallery', at('deep.json'), '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deep\.json: JSON is at least 6\d\d bytes, above the limit of 100 bytes \(raise it with maxBytes; CLI: --max-json-bytes\)/);
  });

  it('a bad value is a usage error naming the flag, its meaning and default', async () => {
    for (const value of ['0', '-5', '1e9', 'many']) {
      const r = await runCli(['summary', '--max-pixels', value]);
      expect(r.code, value).toBe(2);
      expect(r.stderr).toContain(`--max-pixels ${JSON.stringify(value)} is not allowed; --max-pixels takes an integer ≥ 1 (the largest image decoded, in pixels (width × height); default 50000000)`);
    }
    expect((await runCli(['summary', '--max-json-depth'])).stderr).toContain('--max-json-depth needs a value');
  });

  it('the top-level help lists them with their defaults and environment variables', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/--max-pixels N +largest image decoded.*default 50000000; env MOBILENET_KIT_MAX_PIXELS/);
    expect(r.stdout).toMatch(/--max-json-bytes N +largest JSON document read.*env MOBILENET_KIT_MAX_JSON_BYTES/);
    expect(r.stdout).toMatch(/--max-json-depth N +deepest nesting.*default 256; env MOBILENET_KIT_MAX_JSON_DEPTH/);
  });
});

describe('--max-weight-bytes', () => {
  it("a model folder whose weights are above it is refused before a shard is read, naming the flag", async () => {
    const { initializeWeights, mobilenetV1 } = await import('@mobilenet-kit/backbone');
    const { saveModel } = await import('@mobilenet-kit/core/node');
    const graph = mobilenetV1({ alpha: 0.25, resolution: 32, classes: 2 });
    await saveModel(at('model'), graph, initializeWeights(graph, { seed: 1 }));
    const r = await runCli(['export', at('model'), '--out', at('m.onnx'), '--max-weight-bytes', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model\.json".*more than 1000 bytes in all \(maxBytes; CLI: --max-weight-bytes\)/);
    const ok = await runCli(['export', at('model'), '--out', at('m.onnx'), '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
