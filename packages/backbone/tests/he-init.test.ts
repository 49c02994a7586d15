import { runReference } from '@mobilenet-kit/core/reference';
import { describe, expect, it } from 'vitest';
import { BackboneOptionError, heUniformLimit, initializeWeights, mobilenetV1, mulberry32 } from '../src/index';

describe("initializeWeights({ scheme: 'he' })", () => {
  const graph = mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false, taps: ['conv_pw_13'] });

  it('draws kernels from U(±√(6 / fan_in)), a depthwise filter counting kh·kw', () => {
    const w = initializeWeights(graph, { seed: 3, scheme: 'he' });
    expect(heUniformLimit([3, 3, 64, 1], true)).toBeCloseTo(Math.sqrt(6 / 9), 12);
    expect(heUniformLimit([1, 1, 64, 128])).toBeCloseTo(Math.sqrt(6 / 64), 12);
    for (const [name, limit] of [
      ['conv_dw_7/depthwise_kernel', Math.sqrt(6 / 9)],
      ['conv_pw_7/kernel', Math.sqrt(6 / 128)],
      ['conv1/kernel', Math.sqrt(6 / 27)],
    ] as const) {
      const data = w.get(name)!.data;
      const max = data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      expect(max, name).toBeLessThanOrEqual(limit);
      expect(max, name).toBeGreaterThan(0.9 * limit);
      const variance = data.reduce((a, v) => a + v * v, 0) / data.length;
      expect(variance / (limit * limit / 3), name).toBeGreaterThan(0.8); // U(±l) has variance l²/3
      expect(variance / (limit * limit / 3), name).toBeLessThan(1.2);
    }
    expect(w.get('conv_dw_7_bn/moving_variance')!.data.every((v) => v === 1)).toBe(true);
    expect(() => initializeWeights(graph, { scheme: 'lecun' as 'he' })).toThrow(BackboneOptionError);
  });

  it('keeps the features alive through the 27 layers where Glorot shrinks them (BN at its initial statistics; core reference interpreter)', () => {
    const next = mulberry32(5);
    const image = { shape: [1, 64, 64, 3], data: Float32Array.from({ length: 64 * 64 * 3 }, () => 2 * next() - 1) };
    const rms = (scheme: 'glorot' | 'he') => {
      const out = runReference(graph, initializeWeights(graph, { seed: 1, scheme }), { input: image }).conv_pw_13!.data;
      return Math.sqrt(out.reduce((a, v) => a + v * v, 0) / out.length);
    };
    const he = rms('he');
    const glorot = rms('glorot');
    expect(he).toBeGreaterThan(0.01); // measured 0.064 (input RMS 0.58)
    expect(glorot).toBeLessThan(he * 1e-6); // measured 1.5e-16: the class logits of two images differ by nothing
  });
});
