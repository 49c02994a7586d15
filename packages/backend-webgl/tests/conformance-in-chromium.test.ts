import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundledPage, openBundledPage } from '@mobilenet-kit/chromium';
import { conformanceCases, type Tolerance } from '@mobilenet-kit/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Core's conformance suite on the 'webgl' backend inside headless Chromium
 * (WebGL 2 on SwiftShader). `pnpm test` runs the quick subset (93 cases: the
 * two small MobileNets, ~25 s); MOBILENET_KIT_FULL_CONFORMANCE=1 runs all
 * 181 (MobileNet 1.0-224 included; 52 s for the 171 numeric ones on the 2-core development machine).
 */
const full = process.env.MOBILENET_KIT_FULL_CONFORMANCE === '1';

/**
 * Tolerance for GPU arithmetic. tfjs's webgl kernels sum in another order
 * than the reference (packed 2×2 texels, im2col + matMul for conv2d, tree
 * reductions for pooling and softmax) and GPU exp/division are specified to a
 * few ulp only. SwiftShader, the renderer these tests get, computes in IEEE
 * float32: over all 171 cases the worst absolute errors measured were
 * 9.5e-7 (ops), 1.4e-6 (passes) and 2.9e-6 (MobileNets; 1.9e-6 for 1.0-224).
 * So core's CPU defaults (1e-4 for ops and passes, 1e-3 for whole
 * MobileNets) hold here with a margin of 100× and more, and stay tight
 * enough to catch a wrong lowering. A hardware GPU
 * with float32 textures may need tfjs's own 1e-3 (TEST_EPSILON_FLOAT32 in
 * tfjs-core/src/test_util.ts) for ops; float16 textures need 1e-1
 * (TEST_EPSILON_FLOAT16; see webgl-in-chromium.test.ts).
 */
const TOLERANCE: { ops: Tolerance; passes: Tolerance; models: Tolerance; contract: Tolerance } = {
  ops: { atol: 1e-4, rtol: 1e-4 },
  passes: { atol: 1e-4, rtol: 1e-4 },
  models: { atol: 1e-3, rtol: 1e-3 },
  contract: { atol: 1e-6, rtol: 1e-6 },
};

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'browser/conformance-page.ts');
// The names only: nothing compiles in Node (where there is no WebGL).
const keys = conformanceCases({ backend: 'webgl', quick: !full, tolerance: TOLERANCE }).map((c) => `${c.group}: ${c.name}`);

describe(`webgl in headless Chromium: core conformance suite (${full ? 'full' : 'quick'}, ${keys.length} cases)`, () => {
  let page: BundledPage;
  let before: { numTensors: number; numDataBuffers: number };

  beforeAll(async () => {
    page = await openBundledPage({ entry });
    expect(await page.call('prepare', { quick: !full, tolerance: TOLERANCE })).toEqual(keys);
    before = await page.call('memory');
  });
  afterAll(async () => {
    await page?.close();
  });

  for (const key of keys) it(key, () => page.call('runCase', key), full ? 600_000 : 120_000);

  it('every case disposed what it allocated (tensors and WebGL data), and the page logged no errors', async () => {
    expect(await page.call('memory')).toEqual(before);
    expect(page.consoleErrors).toEqual([]);
  });
});
