import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { IMAGE_EXTENSIONS } from '@mobilenet-kit/classification/node';
import exifr from 'exifr';
import { coordinateProblem, type LatLon } from '../distance';
import { LocationError } from '../errors';

/** A photo and where it was taken. */
export interface GeoPhoto extends LatLon {
  readonly file: string;
}

export interface GeoFolder {
  /** Photos with a location, sorted by path. */
  readonly photos: readonly GeoPhoto[];
  /** Image files with no location (no EXIF GPS and no CSV row): counted and reported, never silently dropped. */
  readonly withoutLocation: readonly string[];
  /** Where the locations came from. */
  readonly source: 'exif' | 'csv';
}

/**
 * Reads a sidecar CSV `file,lat,lon` (a header line naming those columns is
 * optional; Im2GPS / YFCC100M / MP-16 subsets ship this form). Files are
 * relative to the CSV's folder unless absolute. Errors name the CSV and the
 * line: wrong column count, non-numbers, coordinates out of range, a file
 * listed twice.
 */
export async function readLocationsCsv(csvFile: string): Promise<Map<string, LatLon>> {
  let text: string;
  try {
    text = await readFile(csvFile, 'utf8');
  } catch (e) {
    throw new LocationError(csvFile, `cannot read the locations CSV: ${(e as Error).message}`);
  }
  const base = path.dirname(path.resolve(csvFile));
  const out = new Map<string, LatLon>();
  let first = true;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cols = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (first && cols[1]?.toLowerCase().startsWith('lat')) {
      first = false;
      return; // the header line
    }
    first = false;
    if (cols.length !== 3) throw new LocationError(csvFile, `expected 3 columns (file,lat,lon), found ${cols.length}: ${JSON.stringify(raw)}`, i + 1);
    const [file, latText, lonText] = cols as [string, string, string];
    if (file === '') throw new LocationError(csvFile, 'empty file name', i + 1);
    const lat = Number(latText);
    const lon = Number(lonText);
    if (latText === '' || lonText === '' || Number.isNaN(lat) || Number.isNaN(lon)) throw new LocationError(csvFile, `${file}: lat ${JSON.stringify(latText)}, lon ${JSON.stringify(lonText)} are not numbers`, i + 1);
    const problem = coordinateProblem(lat, lon);
    if (problem) throw new LocationError(csvFile, `${file}: ${problem}`, i + 1);
    const full = path.resolve(base, file);
    if (out.has(full)) throw new LocationError(csvFile, `${file} is listed twice`, i + 1);
    out.set(full, { lat, lon });
  });
  return out;
}

/**
 * The GPS position in a photo's EXIF (read with exifr: GPSLatitude/Ref and
 * GPSLongitude/Ref, so S and W are negative), or undefined when it has none.
 * Out-of-range coordinates are an error naming the file.
 */
export async function readExifLocation(file: string): Promise<LatLon | undefined> {
  let gps: { latitude?: number; longitude?: number } | undefined;
  try {
    gps = (await exifr.gps(file)) as typeof gps;
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    // exifr throws on files without any EXIF segment it knows: that is "no location", not an error.
    if (/Unknown file format|no exif|invalid input/i.test(message)) return undefined;
    throw new LocationError(file, `cannot read EXIF: ${message}`);
  }
  if (!gps || gps.latitude === undefined || gps.longitude === undefined) return undefined;
  const problem = coordinateProblem(gps.latitude, gps.longitude);
  if (problem) throw new LocationError(file, `EXIF GPS: ${problem}`);
  return { lat: gps.latitude, lon: gps.longitude };
}

/** Every non-hidden image file below `dir` (by extension), sorted by path. */
async function imagesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new LocationError(dir, `cannot list the photo folder: ${(e as Error).message}`);
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await imagesBelow(full)));
    else if (e.isFile() && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(full);
  }
  return out.sort();
}

/**
 * The photos of a folder (subfolders included) with their locations: from
 * `locationsCsv` when given (a CSV row naming a file that is not in the
 * folder is an error), else from each photo's EXIF GPS.
 */
export async function readGeoFolder(folder: string, options: { locationsCsv?: string } = {}): Promise<GeoFolder> {
  const root = path.resolve(folder);
  const files = await imagesBelow(root);
  const photos: GeoPhoto[] = [];
  const withoutLocation: string[] = [];
  if (options.locationsCsv) {
    const table = await readLocationsCsv(options.locationsCsv);
    const present = new Set(files);
    for (const listed of table.keys()) if (!present.has(listed)) throw new LocationError(options.locationsCsv, `lists ${listed}, which is not an image file in ${root}`);
    for (const f of files) {
      const at = table.get(f);
      if (at) photos.push({ file: f, ...at });
      else withoutLocation.push(f);
    }
    return { photos, withoutLocation, source: 'csv' };
  }
  for (const f of files) {
    const at = await readExifLocation(f);
    if (at) photos.push({ file: f, ...at });
    else withoutLocation.push(f);
  }
  return { photos, withoutLocation, source: 'exif' };
}
