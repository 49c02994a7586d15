import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { geolocate, greatCircleKm } from '@mobilenet-kit/geo';
import { drawMapViews, loadGeoModel, renderMapViews, trainGeo } from '@mobilenet-kit/geo/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'geo-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await registerWasmBackend().init?.();
});

describe('trainGeo (a tiny model on its own training photos)', () => {
  const size = 32;
  // Three far-apart places, six views of each (different spans and rotations of the same centre).
  const places = drawMapViews(3, 11, { size }, [], 3000);
  const views = places.flatMap((p, k) => Array.from({ length: 6 }, (_, i) => ({ ...p, spanKm: 2000 + 100 * i, rotationDeg: (i - 3) * 2 + k })));

  it('geolocates its training photos within 25 km, writes the model folder, the scale curve and resumes', async () => {
    const pixels = await renderMapViews(views, size);
    const set = { size, pixels, locations: views };
    const out = path.join(dir, 'run');
    const before = tf.memory().numTensors;
    const common = {
      train: set,
      validation: set,
      // Views of one place share one exact point: they split down to maxLevel 12 (cells of ~2 km), one cell per place.
      partition: { maxPhotos: 4, minPhotos: 1, maxLevel: 12 },
      model: { alpha: 0.25, resolution: size },
      tf,
      tfl,
      tfBackend: 'wasm',
      neighbourSmoothing: 0.1,
      outDir: out,
    } as const;
    const first = await trainGeo({ ...common, config: { epochs: 6, batchSize: 6, learningRate: 0.01, warmupEpochs: 0, batchNormMomentum: 0.5, augment: { pad: 0, flip: false }, seed: 3 }, onEpoch: (r) => console.log(r.epoch, r.loss, r.accuracy, r.valAccuracy, r.geo?.withinKm) });
    expect(first.cells).toHaveLength(3);
    expect(first.cells.every((c) => c.level === 12)).toBe(true);
    const resumed = await trainGeo({ ...common, resume: true, config: { epochs: 12 } });
    expect(resumed.history.map((h) => h.epoch)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(tf.memory().numTensors).toBe(before);
    expect(statSync(path.join(out, 'scales.png')).size).toBeGreaterThan(1000);
    expect(JSON.parse(readFileSync(path.join(out, 'scales.json'), 'utf8'))).toHaveLength(12);

    const g = await loadGeoModel(resumed.modelDir, { backend: 'wasm' });
    try {
      const images = views.map((_, i) => ({ width: size, height: size, channels: 3 as const, data: pixels.subarray(i * size * size * 3, (i + 1) * size * size * 3) }));
      const results = await geolocate(g, images, { topK: 2 });
      const errors = results.map((r, i) => greatCircleKm(r.estimate, views[i]!));
      expect(Math.max(...errors)).toBeLessThan(25);
      expect(results[0]!.cells).toHaveLength(2);
      expect(results[0]!.cells[0]!.probability).toBeGreaterThan(results[0]!.cells[1]!.probability);
      expect(results[0]!.cells[0]!.polygon).toHaveLength(5);
      const weighted = await geolocate(g, images[0]!, { estimate: 'weighted' });
      expect(greatCircleKm(weighted.estimate, views[0]!)).toBeLessThan(results.length ? 20000 : 0);
    } finally {
      g.dispose();
    }
  });
});
