
import type { GeoScores } from '@mobilenet-kit/geo';
import { defineCommand } from '../command';
import { modelFolderOf } from '../model-folder';
import { INFERENCE_BACKEND_FLAG, startCommandBackend } from '../detect-backends';
import { ALLOW_SVG_FLAG, booleanFlag, choiceFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';

export const evaluateGeoCommand = defineCommand({
  name: 'evaluate geo',
  summary: 'score a PlaNet geo model on a folder of located photos: shares within 1/25/200/750/2500 km and the median error, against two baselines',
  description: [
    'Loads a geo model folder (written by `mobilenet-kit train geo`), geolocates every located photo of the folder',
    '(EXIF GPS, or --locations file.csv with file,lat,lon rows) and scores the great-circle errors by the Im2GPS',
    'protocol: the share within 1 km (street), 25 km (city), 200 km (region), 750 km (country) and 2 500 km',
    "(continent), and the median, next to two baselines on the same photos: always the model's most populous cell,",
    'and a uniformly random cell (seed 1). Photos without a location are listed and not scored; a photo that cannot',
    'be read is reported and skipped (exit 1).',
  ].join('\n'),
  positionals: [
    { name: 'model', description: 'the geo model folder (or a train geo output folder holding model/)' },
    { name: 'folder', description: 'a folder of photos (subfolders included) located by EXIF GPS or --locations' },
  ],
  flags: {
    locations: pathFlag('FILE', 'a CSV of file,lat,lon (files relative to the CSV) instead of EXIF GPS'),
    estimate: choiceFlag({ valueName: 'E', description: 'the point estimate', choices: ['top', 'weighted'], default: 'top' }),
    backend: INFERENCE_BACKEND_FLAG,
    json: booleanFlag('print { photos, withinKm: { "1", "25", "200", "750", "2500" }, medianKm, baselines: { mostPopulous, uniformRandom }, withoutLocation, failed } as JSON'),
    'allow-svg': ALLOW_SVG_FLAG,
  },
  examples: ['mobilenet-kit evaluate geo geo-run photos/test', 'mobilenet-kit evaluate geo geo-run/model im2gps/ --locations im2gps.csv --json'],
  async run({ flags, positionals }, io) {
    const [modelArg, folder] = positionals as [string, string];
    const modelDir = modelFolderOf(modelArg);
    const [{ geolocate, evaluateGeolocation, IM2GPS_SCALES_KM }, { loadGeoModel, readGeoFolder }, { decodeImage }] = await Promise.all([
      import('@mobilenet-kit/geo'),
      import('@mobilenet-kit/geo/node'),
      import('@mobilenet-kit/image'),
    ]);
    const located = await readGeoFolder(folder, flags.locations === undefined ? {} : { locationsCsv: flags.locations });
    if (located.photos.length === 0) {
      io.stderr.write(`mobilenet-kit evaluate geo: ${folder}: no located photo (${located.withoutLocation.length} without a location)\n`);
      return EXIT_FAILURE;
    }
    if (located.withoutLocation.length > 0 && !flags.json) io.stderr.write(`mobilenet-kit evaluate geo: ${located.withoutLocation.length} photos without a location (not scored): ${located.withoutLocation.join(', ')}\n`);
    const { name: backend } = await startCommandBackend(flags.backend, io, { json: flags.json });
    const g = await loadGeoModel(modelDir, { backend });
    const estimates: { lat: number; lon: number }[] = [];
    const truth: { lat: number; lon: number }[] = [];
    const failed: { image: string; error: string }[] = [];
    try {
      for (const photo of located.photos) {
        let image: import('@mobilenet-kit/image').RgbImage;
        try {
          image = await decodeImage(photo.file, { allowSvg: flags['allow-svg'] === true });
        } catch (error) {
          failed.push({ image: photo.file, error: (error as Error).message });
          if (!flags.json) io.stderr.write(`mobilenet-kit evaluate geo: ${(error as Error).message}\n`);
          continue;
        }
        const where = await geolocate(g, image, { topK: 1, estimate: flags.estimate === 'weighted' ? 'weighted' : 'top' });
        estimates.push(where.estimate);
        truth.push({ lat: photo.lat, lon: photo.lon });
      }
    } finally {
      g.dispose();
    }
    if (estimates.length === 0) {
      io.stderr.write(`mobilenet-kit evaluate geo: none of the ${located.photos.length} located photos could be read\n`);
      return EXIT_FAILURE;
    }
    const e = evaluateGeolocation(estimates, truth, g.cells);
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ photos: e.photos, withinKm: e.withinKm, medianKm: e.medianKm, baselines: e.baselines, withoutLocation: located.withoutLocation, failed }, null, 2)}\n`);
    } else {
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
      const row = (name: string, s: GeoScores) => `${name.padEnd(22)}${IM2GPS_SCALES_KM.map((k) => pct(s.withinKm[String(k) as keyof GeoScores['withinKm']])).join('')}  ${Math.round(s.medianKm).toString().padStart(8)} km`;
      io.stdout.write(`${e.photos} photos (${located.source === 'csv' ? 'located by the CSV' : 'EXIF GPS'}), ${g.cells.length} cells\n`);
      io.stdout.write(`${'within'.padEnd(22)}${IM2GPS_SCALES_KM.map((k) => `${k} km`.padStart(7)).join('')}  ${'median'.padStart(11)}\n`);
      io.stdout.write(`${row('model', e)}\n${row('most populous cell', e.baselines.mostPopulous)}\n${row('random cell', e.baselines.uniformRandom)}\n`);
    }
    return failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
  },
});
