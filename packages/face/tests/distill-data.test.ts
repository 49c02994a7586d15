import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import type { RgbImage } from '@mobilenet-kit/image';
import { describe, expect, it } from 'vitest';
import { FaceOptionError, applyAugmentation, collectFaceSamples, distillationBatch, drawAugmentation, loadFaceApiTeacher, reduceCrop, seededRandom, splitHeldOut } from '../src';
import { MODEL_DIR, cosine, decodeWithSharp, samplePath } from './helpers';

const identity = { flipped: false, dx: 0, dy: 0, zoom: 1, brightness: 0, contrast: 1 };
/** 4×4, pixel (x, y) = (10x, 10y, 100). */
const grid: RgbImage = { width: 4, height: 4, data: Uint8Array.from({ length: 48 }, (_, i) => [10 * (Math.floor(i / 3) % 4), 10 * Math.floor(i / 12), 100][i % 3]!) };
const px = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('augmentation', () => {
  it('is the identity with no change, mirrors with a flip, moves with a shift, adds brightness', () => {
    expect(applyAugmentation(grid, identity, 4).data).toEqual(grid.data);
    const flipped = applyAugmentation(grid, { ...identity, flipped: true }, 4);
    expect(px(flipped, 0, 2)).toEqual(px(grid, 3, 2));
    const shifted = applyAugmentation(grid, { ...identity, dx: 0.25 }, 4); // one pixel right; the left edge repeats
    expect(px(shifted, 2, 1)).toEqual(px(grid, 1, 1));
    expect(px(shifted, 0, 1)).toEqual(px(grid, 0, 1));
    expect(px(applyAugmentation(grid, { ...identity, brightness: 200 }, 4), 3, 3)).toEqual([230, 230, 255]);
    expect(applyAugmentation(grid, identity, 8).width).toBe(8);
  });

  it('draws within the ranges, reproducibly from a seed, and refuses bad ranges', () => {
    const draw = (seed: number) => Array.from({ length: 200 }, ((r) => () => drawAugmentation(r))(seededRandom(seed)));
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    for (const x of a) {
      expect(Math.abs(x.dx)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(x.zoom - 1)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(x.brightness)).toBeLessThanOrEqual(25);
      expect(Math.abs(x.contrast - 1)).toBeLessThanOrEqual(0.2);
    }
    const flips = a.filter((x) => x.flipped).length;
    expect(flips).toBeGreaterThan(60);
    expect(flips).toBeLessThan(140);
    expect(() => drawAugmentation(Math.random, { scale: 1 })).toThrow(FaceOptionError);
    expect(() => drawAugmentation(Math.random, { shift: -0.1 })).toThrow(/"shift" = -0.1/);
  });
});

describe('lfw-style reduction', () => {
  it('box-averages to a smaller side, optionally to luma, before the augmentation', () => {
    const small = reduceCrop(grid, 2);
    // Each output pixel averages a 2×2 block: x ∈ {0, 10} → 5, {20, 30} → 25.
    expect(px(small, 0, 0)).toEqual([5, 5, 100]);
    expect(px(small, 1, 1)).toEqual([25, 25, 100]);
    const gray = reduceCrop(grid, 2, true);
    const luma = Math.round(0.299 * 25 + 0.587 * 25 + 0.114 * 100);
    expect(px(gray, 1, 1)).toEqual([luma, luma, luma]);
    // As an augmentation: reduced to 2×2 gray, then upsampled back to 4×4 (the corners take the blocks' values).
    const view = applyAugmentation(grid, { ...identity, lowRes: 2, gray: true }, 4);
    expect(px(view, 3, 3)).toEqual([luma, luma, luma]);
    expect(() => reduceCrop(grid, 0)).toThrow(FaceOptionError);
  });
});

describe('splitHeldOut', () => {
  const faces = Array.from({ length: 200 }, (_, i) => ({ id: `photo${i % 20}.jpg#${i}` }));
  it('splits by id, the same way every run, disjoint and complete', () => {
    const { train, heldOut } = splitHeldOut(faces, 0.2, 1);
    expect(splitHeldOut(faces, 0.2, 1)).toEqual({ train, heldOut });
    expect(train.length + heldOut.length).toBe(200);
    expect(new Set([...train, ...heldOut].map((f) => f.id)).size).toBe(200);
    expect(heldOut.length).toBeGreaterThan(20);
    expect(heldOut.length).toBeLessThan(60);
    expect(splitHeldOut(faces, 0.2, 2).heldOut).not.toEqual(heldOut);
  });
  it('keeps both sides non-empty for two faces', () => {
    const { train, heldOut } = splitHeldOut([{ id: 'a' }, { id: 'b' }], 0.01);
    expect([train.length, heldOut.length]).toEqual([1, 1]);
  });
});

it('collects faces with the detector and makes a distillation batch labeled by the teacher', async () => {
  registerWasmBackend();
  const detector = await loadFaceDetector({ backend: 'wasm', modelDir: MODEL_DIR });
  const teacher = await loadFaceApiTeacher({ backend: 'wasm', modelDir: MODEL_DIR, l2Normalize: true });
  try {
    const samples = await collectFaceSamples([{ name: 'sample1.jpg', image: await decodeWithSharp(samplePath(1)) }], detector);
    expect(samples.map((s) => s.id)).toEqual(['sample1.jpg#0', 'sample1.jpg#1', 'sample1.jpg#2']);
    const originals = new Map(samples.map((s, i) => [s.id, i]));
    const plain = await teacher.embed(samples.map((s) => s.crop));
    const batch = await distillationBatch(samples, teacher, { batchSize: 6, studentSize: 128, random: seededRandom(5) });
    expect(batch.studentCrops.map((c) => [c.width, c.height])).toEqual(Array(6).fill([128, 128]));
    let own = 0;
    let others = 0;
    batch.targets.forEach((t, i) => {
      expect(Math.hypot(...t)).toBeCloseTo(1, 5);
      const k = originals.get(batch.ids[i]!)!;
      plain.forEach((p, j) => {
        if (j === k) own += cosine(t, p) / 6;
        else others += cosine(t, p) / 12;
      });
    });
    // An augmented face stays closer to its own unaugmented descriptor than to the other faces'.
    console.log(`distillation batch: mean cosine to the same face ${own.toFixed(3)}, to the others ${others.toFixed(3)}`);
    expect(own).toBeGreaterThan(others);
  } finally {
    detector.dispose();
    teacher.dispose();
  }
});
