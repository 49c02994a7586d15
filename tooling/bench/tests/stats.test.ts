import { describe, expect, it } from 'vitest';
import { alternateAB } from '../src/ab-runner';
import { FULL_CONFIGS, configLabel } from '../src/configs';
import { formatTable } from '../src/report';
import { quantile, summarize } from '../src/stats';

describe('summary statistics', () => {
  it('takes the median of odd and even counts', () => {
    expect(summarize([5, 1, 3]).median).toBe(3);
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });
  it('interpolates quantiles between samples', () => {
    expect(quantile([0, 10], 0.9)).toBeCloseTo(9);
    expect(summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).p90).toBeCloseTo(9.1);
  });
  it('refuses an empty sample', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('alternateAB', () => {
  it('runs both sides the same number of times, warm-up untimed, interleaved', async () => {
    const calls: string[] = [];
    const { a, b } = await alternateAB(
      async () => void calls.push('a'),
      async () => void calls.push('b'),
      { warmup: 1, runs: 4 },
    );
    expect(a.runs).toBe(4);
    expect(b.runs).toBe(4);
    expect(calls).toEqual(['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
  });
  it('in blocks, each turn starts with one untimed run and the sides take turns going first', async () => {
    const calls: string[] = [];
    const { a, b } = await alternateAB(
      async () => void calls.push('a'),
      async () => void calls.push('b'),
      { warmup: 1, runs: 5, block: 3 },
    );
    expect([a.runs, b.runs]).toEqual([5, 5]);
    // warm-up a b; turn 0: a (untimed) + 3 a, b + 3 b; turn 1: b + 2 b, a + 2 a.
    expect(calls.join('')).toBe('ab' + 'aaaa' + 'bbbb' + 'bbb' + 'aaa');
  });
});

describe('configurations and report', () => {
  it('covers the four batch-1 sizes and 1.0-224 at batch 8', () => {
    expect(FULL_CONFIGS.map(configLabel)).toEqual(['1.0-224 b1', '0.75-192 b1', '0.5-160 b1', '0.25-128 b1', '1.0-224 b8']);
  });
  it('prints one row per result with the B/A ratio', () => {
    const t = { runs: 20, median: 10, min: 9, p90: 11 };
    const text = formatTable([
      {
        backend: 'wasm', backendInfo: { name: 'wasm' }, config: FULL_CONFIGS[0]!, label: '1.0-224 b1', multAdds: 5.69e8,
        ours: t, layers: { ...t, median: 17 }, ratio: 1.7, oursGflops: 113.8, layersGflops: 66.9, compileMs: 12, layersBuildMs: 30,
        weightBytes: 2 ** 24, peakRssMiB: 300,
      },
    ]);
    expect(text).toMatch(/wasm\s+1\.0-224 b1\s+10\.0\s+17\.0\s+1\.70×/);
  });
});
