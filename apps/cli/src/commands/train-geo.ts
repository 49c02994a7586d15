import * as path from 'node:path';
import { BACKEND_FLAG, startBackend } from '../classification-support';
import { defineCommand } from '../command';
import { booleanFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';

export const trainGeoCommand = defineCommand({
  name: 'train geo',
  summary: 'train a PlaNet geolocation model (MobileNet over adaptive S2 cells) on a folder of located photos, with checkpoints and --resume',
  description: [
    'Reads every photo below <folder> with its location: EXIF GPS (exifr), or --locations FILE, a CSV of file,lat,lon',
    '(the form Im2GPS, YFCC100M and MP-16 subsets ship). Photos without a location are counted and listed, never used.',
    'A seeded --val-split is held out; the training locations make the adaptive S2 partition (split above --max-photos,',
    'drop below --min-photos; by default scaled to the dataset and reported), and the MobileNet classifier over the cells',
    'trains with the classification loop (paper recipe, a checkpoint every epoch, --resume), optionally with label',
    'smoothing over neighbouring cells. Each epoch prints the held-out shares within 1 / 25 / 200 / 750 / 2 500 km.',
    'Writes <out>/model (for geolocate), <out>/scales.json and <out>/scales.png (accuracy at each scale per epoch).',
  ].join('\n'),
  positionals: [{ name: 'folder', description: 'a folder of photos (searched recursively)' }],
  flags: {
    out: pathFlag('DIR', 'output folder (model, checkpoint, scale curves)', './geo-run'),
    locations: pathFlag('FILE', 'a CSV of file,lat,lon (paths relative to the CSV) instead of EXIF GPS'),
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier', allowed: 'a number > 0', default: '0.5', min: 0, exclusiveMin: true }),
    resolution: numberFlag({ valueName: 'R', description: 'input height and width (photos are resized to it)', allowed: 'an integer ≥ 32', default: '128', integer: true, min: 32 }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total)', allowed: 'an integer ≥ 1', default: '10', integer: true, min: 1 }),
    'batch-size': numberFlag({ valueName: 'B', description: 'photos per step', allowed: 'an integer ≥ 1', default: '32', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'learning rate after the warm-up', allowed: 'a number > 0', default: "the classification recipe's", min: 0, exclusiveMin: true }),
    'max-photos': numberFlag({ valueName: 'N', description: 'split a cell holding more training photos than this', allowed: 'an integer ≥ 1', default: 'scaled to the dataset', integer: true, min: 1 }),
    'min-photos': numberFlag({ valueName: 'N', description: 'drop a cell holding fewer training photos than this', allowed: 'an integer ≥ 1', default: 'scaled to the dataset', integer: true, min: 1 }),
    'val-split': numberFlag({ valueName: 'F', description: 'fraction held out for the Im2GPS-scale scores', allowed: 'a number ≥ 0 and < 1', default: '0.1', min: 0, max: 1, exclusiveMax: true }),
    smoothing: numberFlag({ valueName: 'E', description: 'label smoothing mass spread over the neighbouring cells', allowed: 'a number ≥ 0 and < 1', default: '0', min: 0, max: 1, exclusiveMax: true }),
    seed: numberFlag({ valueName: 'S', description: 'seed of the split and the training', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
    backend: BACKEND_FLAG,
    resume: booleanFlag('continue from <out>/checkpoint (--epochs may extend the run)'),
  },
  examples: ['mobilenet-kit train geo photos/ --out geo-run', 'mobilenet-kit train geo im2gps/ --locations im2gps.csv --alpha 1 --resolution 224 --epochs 20 --out geo-run', 'mobilenet-kit train geo photos/ --out geo-run --resume --epochs 15'],
  async run({ flags, positionals }, io) {
    const folder = path.resolve(positionals[0]!);
    const out = path.resolve(flags.out ?? './geo-run');
    // Before any work (and leaving nothing behind): an --out under /proc, inside a file or read-only is an error naming --out.
    await (await import('@mobilenet-kit/core/node')).checkOutputDir(out, '--out');
    const backend = flags.backend ?? 'wasm';
    await startBackend(backend);
    const [tf, tfl, geoNode, { decodeImage, resizeBilinear }, { deriveSeed, mulberry32 }] = await Promise.all([
      import('@tensorflow/tfjs-core'),
      import('@tensorflow/tfjs-layers'),
      import('@mobilenet-kit/geo/node'),
      import('@mobilenet-kit/image'),
      import('@mobilenet-kit/core'),
    ]);
    const found = await geoNode.readGeoFolder(folder, flags.locations ? { locationsCsv: path.resolve(flags.locations) } : {});
    if (found.withoutLocation.length > 0) {
      io.stderr.write(`mobilenet-kit train geo: ${found.withoutLocation.length} photos without a location (not used): ${found.withoutLocation.slice(0, 5).join(', ')}${found.withoutLocation.length > 5 ? ', …' : ''}\n`);
    }
    if (found.photos.length < 2) {
      io.stderr.write(`mobilenet-kit train geo: ${folder}: ${found.photos.length} located photos (${found.source}); at least 2 are needed\n`);
      return EXIT_FAILURE;
    }
    const size = flags.resolution ?? 128;
    // A seeded split, then every photo resized (stretched) to size × size.
    const order = found.photos.map((_, i) => i);
    const random = mulberry32(deriveSeed(flags.seed ?? 1, 'train geo split'));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const held = Math.min(order.length - 1, Math.round((flags['val-split'] ?? 0.1) * order.length));
    const toSet = async (indices: number[]) => {
      const pixels = new Uint8Array(indices.length * size * size * 3);
      for (const [k, i] of indices.entries()) {
        const resized = resizeBilinear(await decodeImage(found.photos[i]!.file), size, size).data;
        for (let p = 0; p < resized.length; p++) pixels[k * size * size * 3 + p] = Math.round(resized[p]!);
      }
      return { size, pixels, locations: indices.map((i) => ({ lat: found.photos[i]!.lat, lon: found.photos[i]!.lon })) };
    };
    const train = await toSet(order.slice(held));
    const validation = held > 0 ? await toSet(order.slice(0, held)) : undefined;
    const result = await geoNode.trainGeo({
      train,
      ...(validation ? { validation } : {}),
      partition: { ...(flags['max-photos'] !== undefined ? { maxPhotos: flags['max-photos'] } : {}), ...(flags['min-photos'] !== undefined ? { minPhotos: flags['min-photos'] } : {}) },
      model: { alpha: flags.alpha ?? 0.5, resolution: size },
      tf,
      tfl,
      tfBackend: backend,
      neighbourSmoothing: flags.smoothing ?? 0,
      outDir: out,
      resume: flags.resume === true,
      config: { ...(flags.epochs !== undefined || !flags.resume ? { epochs: flags.epochs ?? 10 } : {}), batchSize: flags['batch-size'] ?? 32, ...(flags['learning-rate'] !== undefined ? { learningRate: flags['learning-rate'] } : {}), seed: flags.seed ?? 1 },
      onStart: (s) => io.stderr.write(`train geo: ${s.trainPhotos} training photos (${found.source}), ${validation?.locations.length ?? 0} held out; ${s.cells.length} cells (maxPhotos ${s.partition.maxPhotos}, minPhotos ${s.partition.minPhotos}: ${s.partition.rule}), ${s.dropped} photos in dropped cells${s.resumed ? `; resuming after epoch ${s.startEpoch}` : ''}\n`),
      onEpoch: (r) => {
        const w = r.geo?.withinKm;
        io.stderr.write(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)}${w ? `; held-out within 1/25/200/750/2500 km: ${['1', '25', '200', '750', '2500'].map((k) => `${(100 * w[k as '1']).toFixed(1)}%`).join(' / ')}` : ''}\n`);
      },
    });
    io.stdout.write(`model: ${result.modelDir} (${result.cells.length} cells)\n`);
    return EXIT_OK;
  },
});
