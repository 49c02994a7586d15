import { composeScenes, type ObjectSprite } from '@mobilenet-kit/detection';
import { describe, expect, it } from 'vitest';

// A plain grey background and two sprite kinds: a filled 10×20 bar and a 20×20 ring.
const background = { width: 96, height: 80, data: new Uint8Array(96 * 80 * 3).fill(90) };
const bar: ObjectSprite = { width: 10, height: 20, gray: new Uint8Array(200).fill(255), classIndex: 1 };
const ring: ObjectSprite = {
  width: 20,
  height: 20,
  gray: Uint8Array.from({ length: 400 }, (_, i) => (Math.abs(Math.hypot((i % 20) - 9.5, Math.floor(i / 20) - 9.5) - 7) < 2 ? 255 : 0)),
  classIndex: 2,
};

describe('composeScenes', () => {
  const scenes = composeScenes(12, [background], [bar, ring], { size: 64, objectsPerImage: [1, 3], objectSize: [16, 32], seed: 5 });

  it('gives each scene its size, 1–3 objects, boxes inside the image, classes from the sprites', () => {
    expect(scenes).toHaveLength(12);
    for (const s of scenes) {
      expect(s.image.data).toHaveLength(64 * 64 * 3);
      expect(s.objects.length).toBeGreaterThanOrEqual(1);
      expect(s.objects.length).toBeLessThanOrEqual(3);
      for (const o of s.objects) {
        expect([1, 2]).toContain(o.classIndex);
        expect(o.box.x).toBeGreaterThanOrEqual(0);
        expect(o.box.y).toBeGreaterThanOrEqual(0);
        expect(o.box.x + o.box.width).toBeLessThanOrEqual(64);
        expect(o.box.y + o.box.height).toBeLessThanOrEqual(64);
        expect(Math.max(o.box.width, o.box.height)).toBeLessThanOrEqual(32);
      }
    }
  });

  it('boxes are tight around the pasted pixels: every pixel that differs from the background lies in a box, and every box edge touches one', () => {
    for (const s of scenes) {
      const changed = (x: number, y: number) => s.image.data[(y * 64 + x) * 3] !== 90 || s.image.data[(y * 64 + x) * 3 + 1] !== 90 || s.image.data[(y * 64 + x) * 3 + 2] !== 90;
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) {
        if (!changed(x, y)) continue;
        expect(s.objects.some((o) => x >= o.box.x && x < o.box.x + o.box.width && y >= o.box.y && y < o.box.y + o.box.height), `pixel ${x},${y}`).toBe(true);
      }
      for (const { box: b } of s.objects) {
        const row = (y: number) => Array.from({ length: b.width }, (_, i) => changed(b.x + i, y)).some(Boolean);
        const col = (x: number) => Array.from({ length: b.height }, (_, i) => changed(x, b.y + i)).some(Boolean);
        expect([row(b.y), row(b.y + b.height - 1), col(b.x), col(b.x + b.width - 1)]).toEqual([true, true, true, true]);
      }
    }
  });

  it('is the same for the same seed and differs for another', () => {
    const again = composeScenes(12, [background], [bar, ring], { size: 64, objectsPerImage: [1, 3], objectSize: [16, 32], seed: 5 });
    expect(again.map((s) => s.objects)).toEqual(scenes.map((s) => s.objects));
    const other = composeScenes(12, [background], [bar, ring], { size: 64, objectsPerImage: [1, 3], objectSize: [16, 32], seed: 6 });
    expect(other.map((s) => s.objects)).not.toEqual(scenes.map((s) => s.objects));
  });

  it('names what is missing', () => {
    expect(() => composeScenes(1, [], [bar])).toThrow(/backgrounds/);
    expect(() => composeScenes(1, [background], [])).toThrow(/sprites/);
    expect(() => composeScenes(1, [background], [bar], { size: 32, objectSize: [16, 40] })).toThrow(/objectSize/);
  });
});
