import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import type { RgbImage } from '@mobilenet-kit/image';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceOptionError, canonicalMirror, createEmbedder, faceStudentGraph, horizontalAsymmetry, loadEmbedderModel, mirrorImage, saveEmbedderModel, seededRandom } from '../src';

/** A w×h crop of seeded noise, plus `ramp` levels per column from left to right (clamped). */
function noiseCrop(w: number, h: number, seed: number, ramp = 0): RgbImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(40 + 120 * random() + ramp * x)));
  return { width: w, height: h, data };
}

describe('mirror canonicalization', () => {
  it('mirroring negates the asymmetry; a crop and its mirror image have one canonical form', () => {
    for (const [w, seed] of [[40, 1], [41, 2], [7, 3]] as const) {
      const crop = noiseCrop(w, 30, seed);
      const mirrored = mirrorImage(crop);
      expect(horizontalAsymmetry(mirrored)).toBeCloseTo(-horizontalAsymmetry(crop), 12);
      expect(horizontalAsymmetry(crop)).not.toBe(0);
      expect(Array.from(canonicalMirror(mirrored).data)).toEqual(Array.from(canonicalMirror(crop).data));
      expect(Array.from(mirrorImage(mirrored).data)).toEqual(Array.from(crop.data));
    }
  });

  it('keeps a crop whose right half is brighter and mirrors one whose left half is', () => {
    const brighterRight = noiseCrop(32, 16, 4, 3);
    expect(horizontalAsymmetry(brighterRight)).toBeGreaterThan(0);
    expect(canonicalMirror(brighterRight)).toBe(brighterRight);
    const brighterLeft = mirrorImage(brighterRight);
    expect(horizontalAsymmetry(brighterLeft)).toBeLessThan(0);
    expect(Array.from(canonicalMirror(brighterLeft).data)).toEqual(Array.from(brighterRight.data));
  });

  it('an odd width leaves the middle column out; a black crop has asymmetry 0', () => {
    // 3×1: left 100, middle 255, right 50 → (50 − 100) / 405.
    const crop: RgbImage = { width: 3, height: 1, data: Uint8Array.from([100, 100, 100, 255, 255, 255, 50, 50, 50]) };
    expect(horizontalAsymmetry(crop)).toBeCloseTo(-50 / 405, 6);
    expect(horizontalAsymmetry({ width: 2, height: 2, data: new Uint8Array(12) })).toBe(0);
  });
});

describe("an embedder with mirror: 'canonical' (tiny student, wasm)", () => {
  const graph = faceStudentGraph({ alpha: 0.25, resolution: 128 });
  const weights = initializeWeights(graph, { seed: 3 });
  beforeAll(async () => {
    await registerWasmBackend().init?.();
  });

  it('gives a crop and its mirror image the same descriptor; without it they differ', async () => {
    const crop = noiseCrop(60, 60, 9, 1);
    const canonical = await createEmbedder(graph, weights, { backend: 'wasm', mirror: 'canonical' });
    const plain = await createEmbedder(graph, weights, { backend: 'wasm' });
    try {
      expect(canonical.mirror).toBe('canonical');
      expect(plain.mirror).toBe('none');
      const [a, b] = await canonical.embed([crop, mirrorImage(crop)]);
      expect(Array.from(b!)).toEqual(Array.from(a!));
      const [c, d] = await plain.embed([crop, mirrorImage(crop)]);
      expect(Array.from(d!)).not.toEqual(Array.from(c!));
      // The crop is canonical already (brighter on the right): both embedders see the same pixels.
      expect(Array.from(c!)).toEqual(Array.from(a!));
    } finally {
      canonical.dispose();
      plain.dispose();
    }
  });

  it('refuses an unknown mirror setting, in options and in a model folder', async () => {
    await expect(createEmbedder(graph, weights, { backend: 'wasm', mirror: 'left' as never })).rejects.toThrow(FaceOptionError);
    await expect(createEmbedder(graph, weights, { backend: 'wasm', mirror: 'left' as never })).rejects.toThrow(/mirror.*'none', 'canonical'/);
    const dir = await mkdtemp(path.join(tmpdir(), 'face-mirror-'));
    try {
      await saveEmbedderModel(dir, graph, weights, { normalize: 'minusOneToOne', l2Normalize: false, mirror: 'canonical' });
      const loaded = await loadEmbedderModel(dir, { backend: 'wasm' });
      expect(loaded.mirror).toBe('canonical');
      loaded.dispose();
      const file = path.join(dir, 'model.json');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"mirror": "canonical"', '"mirror": "sideways"').replace('"mirror":"canonical"', '"mirror":"sideways"'));
      await expect(loadEmbedderModel(dir, { backend: 'wasm' })).rejects.toThrow(/loadEmbedderModel\(.*\).*mirror.*sideways/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
