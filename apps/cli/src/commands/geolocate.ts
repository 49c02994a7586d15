import * as path from 'node:path';
import { defineCommand } from '../command';
import { modelFolderOf } from '../model-folder';
import { INFERENCE_BACKEND_FLAG, startCommandBackend } from '../detect-backends';
import { ALLOW_SVG_FLAG, booleanFlag, choiceFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

export const geolocateCommand = defineCommand({
  name: 'geolocate',
  summary: 'where on Earth was each photo taken: the most probable S2 cells of a PlaNet model (train geo)',
  description: [
    'Loads a geo model folder (written by `mobilenet-kit train geo`: the MobileNet, its cell table and partition) and',
    'prints for each image the estimate (the top cell\'s centre, as PlaNet; --estimate weighted: the probability-weighted',
    'spherical mean) and the top-k cells with probability and S2 token. --map DIR draws a world map per image with the',
    'cells shaded by probability and the estimate in red. A file that cannot be read is reported and skipped (exit 1).',
  ].join('\n'),
  positionals: [{ name: 'images…', description: 'image files', variadic: true }],
  flags: {
    model: pathFlag('DIR', 'the geo model folder (or a train geo output folder holding model/)'),
    'top-k': numberFlag({ valueName: 'K', description: 'cells per image', allowed: 'an integer ≥ 1', default: '5', integer: true, min: 1 }),
    estimate: choiceFlag({ valueName: 'E', description: 'the point estimate', choices: ['top', 'weighted'], default: 'top' }),
    map: pathFlag('DIR', 'write DIR/<name>.png: a world map with the cells and the estimate'),
    backend: INFERENCE_BACKEND_FLAG,
    json: booleanFlag('print [{ image, estimate: { lat, lon }, cells: [{ token, lat, lon, probability }] } or { image, error }] as JSON'),
    'allow-svg': ALLOW_SVG_FLAG,
  },
  examples: ['mobilenet-kit geolocate photo.jpg --model geo-run', 'mobilenet-kit geolocate a.jpg b.jpg --model geo-run/model --top-k 3 --json --map maps'],
  async run({ flags, positionals }, io) {
    if (flags.model === undefined) throw new UsageError('mobilenet-kit geolocate: --model DIR is required (a folder written by mobilenet-kit train geo)', 'geolocate');
    const modelDir = modelFolderOf(flags.model);
    const [{ geolocate }, { loadGeoModel, renderGeoMap }, { decodeImage }, { writeFileAtomic, ensureOutputDir }] = await Promise.all([
      import('@mobilenet-kit/geo'),
      import('@mobilenet-kit/geo/node'),
      import('@mobilenet-kit/image'),
      import('@mobilenet-kit/core/node'),
    ]);
    if (flags.map !== undefined) await ensureOutputDir(path.resolve(flags.map), '--map');
    const { name: backend } = await startCommandBackend(flags.backend, io, { json: flags.json });
    const g = await loadGeoModel(modelDir, { backend });
    let failed = 0;
    const out: unknown[] = [];
    try {
      for (const file of positionals) {
        let image: import('@mobilenet-kit/image').RgbImage;
        try {
          image = await decodeImage(file, { allowSvg: flags['allow-svg'] === true });
        } catch (error) {
          failed++;
          const message = (error as Error).message;
          out.push({ image: file, error: message });
          if (!flags.json) io.stderr.write(`mobilenet-kit geolocate: ${message}\n`);
          continue;
        }
        const where = await geolocate(g, image, { topK: flags['top-k'] ?? 5, estimate: flags.estimate === 'weighted' ? 'weighted' : 'top' });
        out.push({ image: file, estimate: where.estimate, cells: where.cells.map(({ token, lat, lon, probability }) => ({ token, lat, lon, probability })) });
        if (flags.map !== undefined) {
          const png = path.join(path.resolve(flags.map), `${path.parse(file).name}.png`);
          await writeFileAtomic(png, await renderGeoMap({ cells: where.cells, estimate: where.estimate, title: path.basename(file) }));
        }
        if (!flags.json) {
          const f = (v: number) => v.toFixed(4);
          io.stdout.write(`${file}: ${f(where.estimate.lat)}, ${f(where.estimate.lon)}\n`);
          for (const c of where.cells) io.stdout.write(`  ${(100 * c.probability).toFixed(1).padStart(5)}%  cell ${c.token}  centre ${f(c.lat)}, ${f(c.lon)}\n`);
        }
      }
    } finally {
      g.dispose();
    }
    if (flags.json) io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
});
