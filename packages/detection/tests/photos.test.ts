import { existsSync } from 'node:fs';
import path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Detector, loadFaceDetector } from '../src';
import { PACKAGE_DIR } from './helpers';

/**
 * scikit-image's sample photos (Debian python3-skimage), put in the fixtures
 * cache by tooling/fixtures/fetch-skimage.sh. Absent files skip these cases
 * with a message saying how to get them.
 */
const FIXTURES = process.env.MOBILENET_KIT_FIXTURES_DIR ?? path.join(PACKAGE_DIR, '..', '..', 'node_modules', '.cache', 'mobilenet-kit', 'fixtures');
const astronaut = path.join(FIXTURES, 'skimage', 'astronaut.png');
const chelsea = path.join(FIXTURES, 'skimage', 'chelsea.png');
const missing = [astronaut, chelsea].filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.warn(`photos.test.ts: SKIPPED, missing ${missing.join(', ')}; run tooling/fixtures/fetch-skimage.sh to get them from Debian's python3-skimage`);
}

describe.skipIf(missing.length > 0)('skimage photos (fetch with tooling/fixtures/fetch-skimage.sh)', () => {
  let detector: Detector;
  beforeAll(async () => {
    registerWasmBackend();
    detector = await loadFaceDetector({ backend: 'wasm' });
  });
  afterAll(() => detector?.dispose());

  it("astronaut.png: exactly one face, over the astronaut's face", async () => {
    const faces = await detector.detect(astronaut);
    expect(faces.length).toBe(1);
    const { x, y, width, height } = faces[0]!.box;
    console.log(`astronaut.png: face at x ${x.toFixed(1)}, y ${y.toFixed(1)}, ${width.toFixed(1)}×${height.toFixed(1)}, score ${faces[0]!.score.toFixed(4)}`);
    // Landmarks read by eye off the 512×512 photo: eyes near (205, 105) and (243, 105), mouth near (222, 145);
    // the head (hair to chin) lies within x 150…300, y 15…200.
    for (const [px, py] of [
      [205, 105],
      [243, 105],
      [222, 145],
    ]) {
      expect(px).toBeGreaterThan(x);
      expect(px).toBeLessThan(x + width);
      expect(py).toBeGreaterThan(y);
      expect(py).toBeLessThan(y + height);
    }
    expect(x).toBeGreaterThanOrEqual(150);
    expect(x + width).toBeLessThanOrEqual(300);
    expect(y).toBeGreaterThanOrEqual(15);
    expect(y + height).toBeLessThanOrEqual(200);
  });

  it('chelsea.png (a cat): face-api’s weights call the whole picture a face (0.93); a stricter threshold keeps none', async () => {
    // Issue 4 expects no face here. face-api's own detectAllFaces on the same pixels returns one
    // detection with score 0.9310 over the whole picture (checked while writing this test), and ours
    // equals it: the pretrained weights, not our pipeline, see a face. Pinned so a change is noticed.
    const faces = await detector.detect(chelsea);
    expect(faces.length).toBe(1);
    expect(faces[0]!.score).toBeCloseTo(0.931, 2);
    expect(faces[0]!.box.width).toBeGreaterThan(0.8 * 451);
    expect(await detector.detect(chelsea, { minScore: 0.95 })).toEqual([]);
  });
});
