import '@tensorflow/tfjs-backend-cpu';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchGeoHead, formatGeoHeadTable } from '../src/bench-geo-head';

beforeAll(async () => {
  await registerCpuBackend().init?.();
});

describe('geo head bench', () => {
  it('builds, trains one step and predicts, with the resident set at each stage', async () => {
    const r = await benchGeoHead('cpu', { cells: 300, alpha: 0.25, resolution: 32, batchSize: 2 });
    expect(r.cells).toBe(300);
    expect(r.trainStepMs).toBeGreaterThan(0);
    expect(r.predictMs).toBeGreaterThan(0);
    expect(r.rssMB.peak).toBeGreaterThanOrEqual(r.rssMB.start);
    expect(formatGeoHeadTable([r])).toContain('0.25 MobileNet-32 + 300 cells');
  }, 120_000);
});
