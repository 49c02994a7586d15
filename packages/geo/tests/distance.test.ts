import { EARTH_RADIUS_KM, evaluateGeolocation, greatCircleKm, scoreDistances, weightedMeanPoint } from '@mobilenet-kit/geo';
import { describe, expect, it } from 'vitest';

describe('greatCircleKm', () => {
  it('matches known distances', () => {
    // Paris (Notre-Dame) – London (Charing Cross): 343.5 km on the mean sphere (≈ 344 km).
    expect(greatCircleKm({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 })).toBeCloseTo(343.6, 0);
    // One degree of the equator, a quarter meridian, antipodes.
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo((Math.PI * EARTH_RADIUS_KM) / 180, 6);
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 90, lon: 0 })).toBeCloseTo((Math.PI * EARTH_RADIUS_KM) / 2, 6);
    expect(greatCircleKm({ lat: 10, lon: 20 }, { lat: -10, lon: -160 })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
    // Across the antimeridian.
    expect(greatCircleKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo((Math.PI * EARTH_RADIUS_KM) / 180, 6);
  });
});

describe('scores', () => {
  it('counts shares within each Im2GPS scale and the median', () => {
    const s = scoreDistances([0.5, 10, 100, 500, 1000, 3000]);
    expect(s.withinKm).toEqual({ '1': 1 / 6, '25': 2 / 6, '200': 3 / 6, '750': 4 / 6, '2500': 5 / 6 });
    expect(s.medianKm).toBe(300);
  });

  it('scores the most populous cell and a seeded random cell as baselines', () => {
    const cells = [
      { token: 'a', level: 1, lat: 0, lon: 0, count: 5 },
      { token: 'b', level: 1, lat: 45, lon: 90, count: 9 },
    ];
    const truth = [{ lat: 45, lon: 90 }, { lat: 0, lon: 0 }];
    const e = evaluateGeolocation(truth, truth, cells, 3);
    expect(e.withinKm['1']).toBe(1);
    expect(e.baselines.mostPopulous.token).toBe('b');
    expect(e.baselines.mostPopulous.withinKm['1']).toBe(0.5);
    expect(e.baselines.uniformRandom.seed).toBe(3);
    expect(evaluateGeolocation(truth, truth, cells, 3).baselines.uniformRandom).toEqual(e.baselines.uniformRandom);
  });

  it('takes the probability-weighted spherical mean', () => {
    const m = weightedMeanPoint([{ lat: 0, lon: 10 }, { lat: 0, lon: 30 }], [1, 1]);
    expect(m.lat).toBeCloseTo(0, 9);
    expect(m.lon).toBeCloseTo(20, 9);
    expect(weightedMeanPoint([{ lat: 0, lon: 10 }, { lat: 0, lon: 30 }], [1, 0]).lon).toBeCloseTo(10, 9);
  });
});
