import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BundledPage, launchChromium, openBundledPage, WEBGPU_CHROMIUM_ARGS } from '@mobilenet-kit/chromium';
import { conformanceCases, DEFAULT_TOLERANCES } from '@mobilenet-kit/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Core's conformance suite on the 'webgpu' backend inside headless Chromium
 * started with --enable-unsafe-webgpu (Dawn on SwiftShader: WebGPU computed in
 * software). Where the browser gives no adapter, every case is skipped with
 * the reason printed, never passed. `pnpm test` runs the quick subset;
 * MOBILENET_KIT_FULL_CONFORMANCE=1 runs all cases (MobileNet 1.0-224 included).
 */
const full = process.env.MOBILENET_KIT_FULL_CONFORMANCE === '1';

/** Core's default tolerances; see the README for the errors measured on SwiftShader. */
const TOLERANCE = DEFAULT_TOLERANCES;

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'browser/conformance-page.ts');
// The names only: nothing compiles in Node (where there is no WebGPU).
const keys = conformanceCases({ backend: 'webgpu', quick: !full, tolerance: TOLERANCE }).map((c) => `${c.group}: ${c.name}`);

describe(`webgpu in headless Chromium: core conformance suite (${full ? 'full' : 'quick'}, ${keys.length} cases)`, () => {
  let browser: Browser;
  let page: BundledPage;
  let before: { numTensors: number; numDataBuffers: number };
  /** Why the cases are skipped; undefined where an adapter came up. */
  let noAdapter: string | undefined;

  beforeAll(async () => {
    browser = await launchChromium({ args: WEBGPU_CHROMIUM_ARGS });
    page = await openBundledPage({ entry, browser });
    const adapter = await page.call<{ ok: true; vendor: string; architecture: string } | { ok: false; reason: string }>('adapter');
    if (!adapter.ok) {
      noAdapter = `no WebGPU adapter in this Chromium (${WEBGPU_CHROMIUM_ARGS.join(' ')}): ${adapter.reason}`;
      console.log(`webgpu conformance SKIPPED: ${noAdapter}`);
      return;
    }
    console.log(`webgpu conformance on adapter vendor=${adapter.vendor} architecture=${adapter.architecture}`);
    expect(await page.call('prepare', { quick: !full, tolerance: TOLERANCE })).toEqual(keys);
    before = await page.call('memory');
  }, 120_000);
  afterAll(async () => {
    await page?.close();
    await browser?.close();
  });

  for (const key of keys) {
    it(
      key,
      async (ctx) => {
        if (noAdapter) ctx.skip(noAdapter);
        await page.call('runCase', key);
      },
      full ? 600_000 : 120_000,
    );
  }

  it('every case disposed what it allocated (tensors and GPU buffers), and the page logged no errors', async (ctx) => {
    if (noAdapter) ctx.skip(noAdapter);
    expect(await page.call('memory')).toEqual(before);
    expect(page.consoleErrors).toEqual([]);
  });
});
