// Property tests (fast-check, seeded, bounded): random byte mutations inside the EXIF segment of a
// JPEG that exiftool (an independent writer) gave a GPS position give "no location", a position on
// the globe, or a LocationError naming the file — never another exception or a hang.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocationError } from '@mobilenet-kit/geo';
import { readExifLocation } from '@mobilenet-kit/geo/node';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasExiftool = spawnSync('exiftool', ['-ver']).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'geo-exif-props-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let photo: Uint8Array;
/** Where the APP1 (EXIF) segment's payload lies in the file. */
let exif: { start: number; end: number };

beforeAll(async () => {
  if (!hasExiftool) return;
  const file = path.join(dir, 'sydney.jpg');
  await sharp({ create: { width: 16, height: 12, channels: 3, background: { r: 40, g: 90, b: 200 } } }).jpeg().toFile(file);
  execFileSync('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=33.8688', '-GPSLatitudeRef=S', '-GPSLongitude=151.2093', '-GPSLongitudeRef=E', '-Make=Test', file]);
  photo = new Uint8Array(readFileSync(file)); // a copy: Buffer.slice would be a view, and the mutations would add up
  for (let at = 2; at + 4 < photo.length; ) {
    if (photo[at] !== 0xff) throw new Error(`no JPEG marker at byte ${at}`);
    const length = (photo[at + 2]! << 8) | photo[at + 3]!;
    if (photo[at + 1] === 0xe1) {
      exif = { start: at + 4, end: at + 2 + length };
      break;
    }
    at += 2 + length;
  }
  expect(exif, 'exiftool wrote an APP1 segment').toBeDefined();
});

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('set', 'zero', 'max', 'flip'),
  value: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 1, max: 4 }),
});

describe('EXIF GPS reader properties (fast-check)', () => {
  it.skipIf(!hasExiftool)('mutated EXIF bytes give no location, a position on the globe, or a LocationError naming the file', async () => {
    const clean = path.join(dir, 'clean.jpg');
    writeFileSync(clean, photo);
    const at = await readExifLocation(clean);
    expect(at!.lat).toBeCloseTo(-33.8688, 4);
    let n = 0;
    const seen = { location: 0, none: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const bytes = photo.slice();
        for (const m of mutations) {
          const span = exif.end - exif.start;
          const from = exif.start + (m.at % span);
          for (let i = from; i < Math.min(exif.end, from + m.length); i++) bytes[i] = m.kind === 'set' ? m.value : m.kind === 'zero' ? 0 : m.kind === 'max' ? 0xff : bytes[i]! ^ (1 << (m.value % 8));
        }
        const file = path.join(dir, `mutated-${n++}.jpg`);
        writeFileSync(file, bytes);
        try {
          const location = await readExifLocation(file);
          seen[location === undefined ? 'none' : 'location']++;
          if (location !== undefined) {
            expect(Math.abs(location.lat)).toBeLessThanOrEqual(90);
            expect(Math.abs(location.lon)).toBeLessThanOrEqual(180);
          }
        } catch (e) {
          seen.error++;
          expect(e, `${(e as Error).name}: ${(e as Error).message}`).toBeInstanceOf(LocationError);
          expect((e as Error).message).toContain(file);
        } finally {
          rmSync(file, { force: true });
        }
      }),
      { seed: 20261207, numRuns: 200, timeout: 5000 },
    );
    // The mutations reach the reader's every outcome: some positions survive, some are lost or refused.
    expect(seen.location).toBeGreaterThan(0);
    expect(seen.none + seen.error).toBeGreaterThan(0);
    console.log(`EXIF mutations: ${JSON.stringify(seen)}`);
  });
});
