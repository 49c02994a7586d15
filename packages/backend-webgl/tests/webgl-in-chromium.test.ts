import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BundledPage, launchChromium, openBundledPage } from '@mobilenet-kit/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'browser/features-page.ts');
type Started = { ok: true; backend: Record<string, unknown>; out: number[] } | { ok: false; error: string };
type OpFailures = { total: number; failures: string[] };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('webgl in headless Chromium (SwiftShader): default options', () => {
  let page: BundledPage;
  beforeAll(async () => {
    page = await openBundledPage({ entry, browser });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('starts and reports WebGL 2, float32 textures, packing and the renderer', async () => {
    const started = await page.call<Started>('tryStart', 'webgl', {});
    expect(started).toEqual({
      ok: true,
      backend: { name: 'webgl', tfjsBackend: 'webgl', webglVersion: 2, textures: 'float32', packed: true, renderer: expect.stringMatching(/SwiftShader/) },
      out: [0, 2, 6],
    });
  });

  it('options that tfjs fixed when it started cannot be changed later: asking for float16 fails, naming what runs', async () => {
    const started = await page.call<Started>('tryStart', 'webgl-f16-late', { textures: 'float16' });
    expect(started).toEqual({
      ok: false,
      error: `backend "webgl-f16-late" failed to start: tfjs's webgl backend already runs with float32 textures, packed: true; textures: 'float16', packed: undefined must be set before it starts`,
    });
  });

  it('warmup: true compiles every shader at compile time: the first run compiles none; without it the first run does', async () => {
    const programs = await page.call<Record<'warm' | 'cold', { compile: number; firstRun: number; secondRun: number }>>('warmupPrograms');
    expect(programs.warm.compile).toBeGreaterThan(10);
    expect(programs.warm.firstRun).toBe(0);
    expect(programs.warm.secondRun).toBe(0);
    expect(programs.cold.firstRun).toBeGreaterThan(10);
    expect(programs.cold.secondRun).toBe(0);
  });

  it('runs leave no tensors behind, and dispose frees the weights (tensor and data-buffer counts back to the start)', async () => {
    const m = await page.call<Record<string, number>>('memoryOverRuns');
    expect(m.compiled).toBeGreaterThan(m.start!);
    expect(m.afterRuns).toBe(m.compiled);
    expect(m.disposed).toBe(m.start);
    expect(m.dataBuffersDisposed).toBe(m.dataBuffersStart);
  });

  it('float32 textures: every quick op case agrees with the reference within 1e-5', async () => {
    const { total, failures } = await page.call<OpFailures>('failingOpCases', { atol: 1e-5, rtol: 1e-5 });
    expect(total).toBeGreaterThan(50);
    expect(failures).toEqual([]);
    expect(page.consoleErrors).toEqual([]);
  });
});

describe('webgl in headless Chromium: a browser that flags its WebGL as software; then textures float16, packed false (options tfjs reads once per page)', () => {
  let page: BundledPage;
  beforeAll(async () => {
    page = await openBundledPage({ entry, browser });
    await page.call('simulateCaveatOnlyWebGL');
  });
  afterAll(async () => {
    await page?.close();
  });

  it('a software-only renderer is refused by default, naming the option that accepts it; nothing falls back', async () => {
    const started = await page.call<Started>('tryStart', 'webgl-hardware-only', {});
    expect(started).toEqual({
      ok: false,
      error:
        'backend "webgl-hardware-only" failed to start: this browser offers only a software WebGL renderer (a "major performance caveat" context, e.g. SwiftShader), which tfjs refuses by default; pass software: true to use it anyway (the "wasm" backend is usually faster on a CPU)',
    });
  });

  it('software: true starts it, with the asked texture precision and packing, and reports them', async () => {
    const started = await page.call<Started>('tryStart', 'webgl', { software: true, textures: 'float16', packed: false });
    expect(started).toMatchObject({ ok: true, backend: { textures: 'float16', packed: false, webglVersion: 2 }, out: [0, 2, 6] });
  });

  it("half precision is in effect: op cases miss 1e-5 but stay within tfjs's float16 test epsilon, 1e-1", async () => {
    const tight = await page.call<OpFailures>('failingOpCases', { atol: 1e-5, rtol: 1e-5 });
    expect(tight.failures.length).toBeGreaterThan(tight.total / 2);
    // tfjs-core/src/test_util.ts TEST_EPSILON_FLOAT16.
    const loose = await page.call<OpFailures>('failingOpCases', { atol: 1e-1, rtol: 1e-1 });
    expect(loose.failures).toEqual([]);
    expect(page.consoleErrors).toEqual([]);
  });
});

describe('webgl in headless Chromium: a GPU without float32 render targets', () => {
  let page: BundledPage;
  beforeAll(async () => {
    page = await openBundledPage({ entry, browser });
    await page.call('simulateNoFloat32RenderTargets');
  });
  afterAll(async () => {
    await page?.close();
  });

  it("textures: 'float32' fails to start, naming the missing capability, instead of losing precision", async () => {
    expect(await page.call<Started>('tryStart', 'webgl-float32', { textures: 'float32' })).toEqual({
      ok: false,
      error:
        "backend \"webgl-float32\" failed to start: textures: 'float32' was asked for, but this GPU cannot render to float32 textures (tfjs WEBGL_RENDER_FLOAT32_CAPABLE is false); use textures: 'auto' or 'float16'",
    });
  });

  it("the default, textures: 'auto', runs on float16 textures there, says so, and computes within tfjs's float16 epsilon", async () => {
    const started = await page.call<Started>('tryStart', 'webgl', {});
    expect(started).toMatchObject({ ok: true, backend: { textures: 'float16', packed: true }, out: [0, 2, 6] });
    const { failures } = await page.call<OpFailures>('failingOpCases', { atol: 1e-1, rtol: 1e-1 });
    expect(failures).toEqual([]);
    expect(page.consoleErrors).toEqual([]);
  });
});

it('a browser without WebGL (--disable-gpu --disable-software-rasterizer): compile fails with the cause, and nothing falls back', async () => {
  const noWebGL = await launchChromium({ args: ['--disable-gpu', '--disable-software-rasterizer'] });
  const page = await openBundledPage({ entry, browser: noWebGL });
  try {
    expect(await page.call<Started>('tryStart', 'webgl', {})).toEqual({
      ok: false,
      error:
        'backend "webgl" failed to start: this browser gives no WebGL context (canvas.getContext("webgl2") and ("webgl") returned null): WebGL or hardware acceleration is off, or the GPU is blocklisted; headless Chromium runs WebGL on SwiftShader with --use-angle=swiftshader --enable-unsafe-swiftshader',
    });
  } finally {
    await page.close();
    await noWebGL.close();
  }
});
