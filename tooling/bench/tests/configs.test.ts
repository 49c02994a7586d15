import { describe, expect, it } from 'vitest';
import { benchInput } from '../src/configs';

describe('benchInput', () => {
  it('is an NHWC batch of the configuration, the same on every call, within [-0.9, 0.9]', () => {
    const config = { alpha: 0.25, resolution: 4, batch: 2 };
    const { shape, data } = benchInput(config);
    expect(shape).toEqual([2, 4, 4, 3]);
    expect(data.length).toBe(96);
    expect(benchInput(config).data).toEqual(data);
    expect(data[0]).toBe(0);
    expect(data[1]).toBeCloseTo(Math.sin(12.9898) * 0.9, 6);
    for (const v of data) expect(Math.abs(v)).toBeLessThanOrEqual(0.9);
    expect(new Set(data).size).toBeGreaterThan(90);
  });
});
