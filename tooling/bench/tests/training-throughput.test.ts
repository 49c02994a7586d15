import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { benchTrainingThroughput, formatTrainingTable } from '../src/training-throughput';

describe('training throughput', () => {
  it('times the steps after the warm-up and reports images/s from their median', async () => {
    const config = { alpha: 0.25, resolution: 32, variant: 'shallow' as const, batchSize: 4, augment: true, labelSmoothing: 0, threads: 1 };
    const r = await benchTrainingThroughput('cpu', config, { warmup: 1, runs: 3, seed: 1 });
    expect(r.step.runs).toBe(3);
    expect(r.imagesPerSecond).toBeCloseTo((1000 * 4) / r.step.median, 9);
    expect(r.imagesPerCpuSecond).toBeCloseTo((1000 * 4) / r.cpuMsPerStep, 9);
    expect(r.multAdds).toBeGreaterThan(400_000);
    const table = formatTrainingTable([r]);
    expect(table.split('\n')).toHaveLength(2);
    expect(table).toContain('shallow 0.25 MobileNet-32');
  });

  it('runs the documented data-parallel configuration on worker threads', async () => {
    const config = { alpha: 0.25, resolution: 32, variant: 'shallow' as const, batchSize: 4, augment: false, labelSmoothing: 0.1, threads: 2 };
    // The built setup module (turbo builds the package before its tests).
    const r = await benchTrainingThroughput('cpu', config, { warmup: 1, runs: 2, seed: 1, workerSetupModule: new URL('../dist/training-worker-setup.js', import.meta.url) });
    expect(r.step.runs).toBe(2);
    expect(r.config.threads).toBe(2);
    expect(formatTrainingTable([r]).split('\n')[1]).toMatch(/shallow 0\.25 MobileNet-32 .*\s4\s+2\s+2\s/);
  });
});
