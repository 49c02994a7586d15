import { describe, expect, it } from 'vitest';
import { type BrowserBenchResult, benchInBrowser, formatBrowserTable } from '../src/browser-bench';

describe('browser bench in headless Chromium', () => {
  it('times MobileNet on webgl and wasm in fresh pages: start, compile, first run, steady runs; nothing leaks, no page errors', async () => {
    const results = await benchInBrowser({ backends: ['webgl', 'wasm'], configs: [{ alpha: 0.25, resolution: 128, batch: 1 }], warmup: 0, runs: 2 });
    expect(results.map((r) => [r.backend, r.model, r.backendInfo.name, r.steady.runs, r.leakedTensors, r.pageErrors])).toEqual([
      ['webgl', 'MobileNet v1 0.25-128 b1', 'webgl', 2, 0, []],
      ['wasm', 'MobileNet v1 0.25-128 b1', 'wasm', 2, 0, []],
    ]);
    expect(results[0]!.backendInfo).toMatchObject({ webglVersion: 2, textures: 'float32' });
    for (const r of results) for (const ms of [r.startMs, r.compileMs, r.firstRunMs, r.steady.median, r.withWarmup.compileMs, r.withWarmup.firstRunMs]) expect(ms).toBeGreaterThan(0);
  });

  it('times the face detector on a served face-api photo with the served wasm binaries, and finds faces', async () => {
    const [r] = await benchInBrowser({ backends: ['wasm'], configs: [], photo: 'sample1.jpg', warmup: 0, runs: 1 });
    expect(r).toMatchObject({ backend: 'wasm', model: 'face detector (sample1.jpg)', leakedTensors: 0, pageErrors: [], backendInfo: { name: 'wasm', simd: true } });
    expect(r!.detail).toMatchObject({ photo: 'sample1.jpg', width: expect.any(Number) });
    expect(r!.detail.faces).toBeGreaterThan(0);
  });
});

describe('formatBrowserTable', () => {
  it('prints one row per result with first run, steady median and what ran (SwiftShader named, not its full renderer string)', () => {
    const result: BrowserBenchResult = {
      backend: 'webgl',
      model: 'MobileNet v1 1.0-224 b1',
      backendInfo: { name: 'webgl', tfjsBackend: 'webgl', webglVersion: 2, textures: 'float32', packed: true, renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' },
      startMs: 110.4,
      compileMs: 75.2,
      firstRunMs: 3775.1,
      withWarmup: { compileMs: 3801.2, firstRunMs: 480.6 },
      steady: { runs: 10, median: 475.25, min: 460, p90: 500.04 },
      leakedTensors: 0,
      detail: {},
      pageErrors: [],
    };
    const lines = formatBrowserTable([result]).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['webgl', 'MobileNet v1 1.0-224 b1', '110', '75', '3775', '475.3', '500.0', '10', '3801', '481', '0', 'webglVersion 2, textures float32, packed true, SwiftShader']);
  });
});
