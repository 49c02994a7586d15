import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { type Detector, loadFaceDetector } from '@mobilenet-kit/detection';
import type { Box, RgbImage } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Embedder, FaceMatcher, FaceOptionError, detectAndEmbed, euclideanDistance, loadFaceApiTeacher } from '../src';
import { MODEL_DIR, cropRgb, decodeWithSharp, samplePath } from './helpers';

function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (ix * iy) / (a.width * a.height + b.width * b.height - ix * iy);
}

let detector: Detector;
let teacher: Embedder;
let photo: RgbImage;

beforeAll(async () => {
  registerWasmBackend();
  detector = await loadFaceDetector({ backend: 'wasm', modelDir: MODEL_DIR });
  teacher = await loadFaceApiTeacher({ backend: 'wasm', modelDir: MODEL_DIR });
  photo = await decodeWithSharp(samplePath(1));
});

afterAll(() => {
  detector?.dispose();
  teacher?.dispose();
});

describe('detectAndEmbed with the teacher', () => {
  it('embeds every face found; the same face in a shifted copy of the photo matches itself, not the others', async () => {
    const faces = await detectAndEmbed(photo, { detector, embedder: teacher });
    expect(faces.length).toBeGreaterThanOrEqual(2);
    for (const f of faces) expect(f.descriptor.length).toBe(128);
    const matcher = new FaceMatcher(faces.map((f, i) => ({ label: `face${i}`, descriptors: [f.descriptor] })));
    // The same photo without its first 37 columns and 23 rows: other crops, other resampling, the same faces.
    const shifted = cropRgb(photo, 37, 23, photo.width - 37, photo.height - 23);
    const again = await detectAndEmbed(shifted, { detector, embedder: teacher });
    expect(again.length).toBe(faces.length);
    const distances: number[] = [];
    for (const f of again) {
      const m = matcher.match(f.descriptor);
      const original = faces[Number(m.nearestLabel!.slice(4))]!;
      expect(m.label).not.toBe('unknown');
      // It is the same face: its box, moved back by the shift, overlaps the original's.
      expect(iou({ ...f.box, x: f.box.x + 37, y: f.box.y + 23 }, original.box)).toBeGreaterThan(0.7);
      distances.push(m.distance);
    }
    // Different people are further apart than any face from itself (unaligned crops: not always beyond face-api's 0.6).
    let nearestOther = Number.POSITIVE_INFINITY;
    for (let i = 0; i < faces.length; i++) for (let j = i + 1; j < faces.length; j++) nearestOther = Math.min(nearestOther, euclideanDistance(faces[i]!.descriptor, faces[j]!.descriptor));
    console.log(`teacher on sample1: ${faces.length} faces; same face, shifted photo: distance ≤ ${Math.max(...distances).toFixed(3)}; two different faces ≥ ${nearestOther.toFixed(3)}`);
    expect(Math.max(...distances)).toBeLessThan(nearestOther);
  });

  it('gives an empty list for an image without faces', async () => {
    const grey: RgbImage = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(128) };
    expect(await detectAndEmbed(grey, { detector, embedder: teacher })).toEqual([]);
  });

  it('pads a face cut by the border and still embeds it', async () => {
    const faces = await detectAndEmbed(photo, { detector, embedder: teacher, maxResults: 1 });
    const box = faces[0]!.box;
    // Cut the photo through the middle of the face: it now touches the left border.
    const x = Math.round(box.x + box.width / 2);
    const cut = cropRgb(photo, x, 0, photo.width - x, photo.height);
    const found = await detectAndEmbed(cut, { detector, embedder: teacher, minScore: 0.3 });
    const atBorder = found.find((f) => f.box.x < 2);
    expect(atBorder, 'the half face at the left border is detected').toBeDefined();
    expect(atBorder!.crop.x).toBeLessThan(0);
    expect(atBorder!.descriptor.every(Number.isFinite)).toBe(true);
  });

  it('embeds a 1×1 crop (resized to the input) and refuses a malformed one', async () => {
    const [v] = await teacher.embed({ width: 1, height: 1, data: Uint8Array.of(200, 150, 120) });
    expect(v!.every(Number.isFinite)).toBe(true);
    await expect(teacher.embed({ width: 2, height: 2, data: new Uint8Array(3) })).rejects.toThrow(FaceOptionError);
    await expect(detectAndEmbed(photo, { detector, embedder: undefined as never })).rejects.toThrow(/"embedder"/);
  });
});
