import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readExifLocation, readGeoFolder, readLocationsCsv } from '@mobilenet-kit/geo/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'geo-locations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasExiftool = spawnSync('exiftool', ['-ver']).status === 0;

async function jpeg(file: string, rgb: [number, number, number]) {
  await sharp({ create: { width: 16, height: 12, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg()
    .toFile(file);
}

describe('EXIF GPS written by exiftool (an independent writer)', () => {
  const places = [
    { name: 'sydney.jpg', lat: -33.8688, lon: 151.2093 }, // S, E
    { name: 'new-york.jpg', lat: 40.7128, lon: -74.006 }, // N, W
    { name: 'rio.jpg', lat: -22.9068, lon: -43.1729 }, // S, W
    { name: 'tokyo.jpg', lat: 35.6762, lon: 139.6503 }, // N, E
  ];
  const folder = path.join(dir, 'exif');
  beforeAll(async () => {
    execFileSync('mkdir', ['-p', path.join(folder, 'sub')]);
    for (const [i, p] of places.entries()) {
      const file = path.join(folder, p.name);
      await jpeg(file, [i * 60, 100, 200]);
      if (hasExiftool) {
        execFileSync('exiftool', [
          '-q',
          '-overwrite_original',
          `-GPSLatitude=${Math.abs(p.lat)}`,
          `-GPSLatitudeRef=${p.lat < 0 ? 'S' : 'N'}`,
          `-GPSLongitude=${Math.abs(p.lon)}`,
          `-GPSLongitudeRef=${p.lon < 0 ? 'W' : 'E'}`,
          file,
        ]);
      }
    }
    await jpeg(path.join(folder, 'sub', 'no-gps.jpg'), [0, 0, 0]);
  });

  it.skipIf(!hasExiftool)('reads N/S/E/W signs right', async () => {
    for (const p of places) {
      const at = await readExifLocation(path.join(folder, p.name));
      expect(at!.lat).toBeCloseTo(p.lat, 4);
      expect(at!.lon).toBeCloseTo(p.lon, 4);
    }
  });

  it.skipIf(!hasExiftool)('lists a folder, counting the photos without a location', async () => {
    const f = await readGeoFolder(folder);
    expect(f.source).toBe('exif');
    expect(f.photos.map((p) => path.basename(p.file))).toEqual(['new-york.jpg', 'rio.jpg', 'sydney.jpg', 'tokyo.jpg']);
    expect(f.withoutLocation.map((p) => path.basename(p))).toEqual(['no-gps.jpg']);
  });

  it('finds no location in a photo without GPS', async () => {
    if (!hasExiftool) console.log('exiftool is absent (Debian: apt-get install -y libimage-exiftool-perl): the EXIF GPS tests are skipped');
    expect(await readExifLocation(path.join(folder, 'sub', 'no-gps.jpg'))).toBeUndefined();
  });
});

describe('readLocationsCsv', () => {
  const csv = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('reads file,lat,lon with or without a header, relative to the CSV', async () => {
    const m = await readLocationsCsv(csv('ok.csv', 'file,lat,lon\na.jpg,48.85,2.35\n"b c.jpg", -33.9 ,151.2\n\n'));
    expect(m.get(path.join(dir, 'a.jpg'))).toEqual({ lat: 48.85, lon: 2.35 });
    expect(m.get(path.join(dir, 'b c.jpg'))).toEqual({ lat: -33.9, lon: 151.2 });
    expect((await readLocationsCsv(csv('nohead.csv', 'a.jpg,1,2\n'))).size).toBe(1);
  });

  it('names the file and line of every problem', async () => {
    await expect(readLocationsCsv(csv('cols.csv', 'file,lat,lon\na.jpg,1\n'))).rejects.toThrow(/cols\.csv:2: expected 3 columns/);
    await expect(readLocationsCsv(csv('nan.csv', 'a.jpg,north,2\n'))).rejects.toThrow(/nan\.csv:1: a\.jpg: lat "north".*not numbers/);
    await expect(readLocationsCsv(csv('lat.csv', 'a.jpg,1,2\nb.jpg,95,2\n'))).rejects.toThrow(/lat\.csv:2: b\.jpg: latitude 95 is outside/);
    await expect(readLocationsCsv(csv('lon.csv', 'a.jpg,1,-200\n'))).rejects.toThrow(/lon\.csv:1: a\.jpg: longitude -200 is outside/);
    await expect(readLocationsCsv(csv('twice.csv', 'a.jpg,1,2\na.jpg,3,4\n'))).rejects.toThrow(/twice\.csv:2: a\.jpg is listed twice/);
    await expect(readLocationsCsv(path.join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: cannot read/);
  });

  it('checks the CSV against the folder and counts unlisted photos', async () => {
    const folder = path.join(dir, 'csvfolder');
    execFileSync('mkdir', ['-p', folder]);
    await jpeg(path.join(folder, 'x.jpg'), [1, 2, 3]);
    await jpeg(path.join(folder, 'y.jpg'), [1, 2, 3]);
    const f = await readGeoFolder(folder, { locationsCsv: csv('csvfolder/locations.csv', 'x.jpg,10,20\n') });
    expect(f.photos).toEqual([{ file: path.join(folder, 'x.jpg'), lat: 10, lon: 20 }]);
    expect(f.withoutLocation).toEqual([path.join(folder, 'y.jpg')]);
    await expect(readGeoFolder(folder, { locationsCsv: csv('csvfolder/bad.csv', 'z.jpg,10,20\n') })).rejects.toThrow(/bad\.csv: lists .*z\.jpg, which is not an image file/);
  });
});
