// The offline geolocation benchmark (packages/geo/README.md, "Offline benchmark"):
// renders Natural Earth map views labelled by their centre (drawMapViews + renderMapViews),
// trains PlaNet on the MobileNet backbone through trainGeo, and scores held-out centres
// at the Im2GPS scales against the most-populous-cell and uniform-random baselines.
//   node packages/geo/scripts/offline-benchmark.mjs [--train N] [--test N] [--epochs N] [--alpha A] [--size S] [--out DIR] [--seed S] [--smoothing E]
// Build first: pnpm exec turbo run build --filter=@mobilenet-kit/geo...
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { drawMapViews, renderMapViews, trainGeo } from '@mobilenet-kit/geo/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const { values: a } = parseArgs({
  options: {
    train: { type: 'string', default: '4000' },
    test: { type: 'string', default: '500' },
    epochs: { type: 'string', default: '8' },
    alpha: { type: 'string', default: '0.5' },
    size: { type: 'string', default: '64' },
    'batch-size': { type: 'string', default: '64' },
    'learning-rate': { type: 'string', default: '0.045' },
    'held-out-km': { type: 'string', default: '100' },
    smoothing: { type: 'string', default: '0' },
    'max-photos': { type: 'string' },
    'min-photos': { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'geo-benchmark-run' },
    resume: { type: 'boolean', default: false },
  },
});
const n = (k) => Number(a[k]);
const size = n('size');
const seed = n('seed');
const t0 = performance.now();
const trainViews = drawMapViews(n('train'), seed);
const testViews = drawMapViews(n('test'), seed + 1000, {}, trainViews, n('held-out-km'));
const trainPixels = await renderMapViews(trainViews, size);
const testPixels = await renderMapViews(testViews, size);
const renderSeconds = (performance.now() - t0) / 1000;
console.log(`rendered ${trainViews.length} training and ${testViews.length} held-out views at ${size}² in ${renderSeconds.toFixed(1)} s`);

await registerWasmBackend().init?.();
const started = performance.now();
const result = await trainGeo({
  train: { size, pixels: trainPixels, locations: trainViews },
  validation: { size, pixels: testPixels, locations: testViews },
  partition: { ...(a['max-photos'] ? { maxPhotos: n('max-photos') } : {}), ...(a['min-photos'] ? { minPhotos: n('min-photos') } : {}) },
  model: { alpha: n('alpha'), resolution: size },
  tf,
  tfl,
  tfBackend: 'wasm',
  config: { epochs: n('epochs'), batchSize: n('batch-size'), learningRate: n('learning-rate'), seed, augment: { pad: 2, flip: false } },
  neighbourSmoothing: n('smoothing'),
  outDir: a.out,
  resume: a.resume,
  onStart: (i) => console.log(`${i.cells.length} cells (maxPhotos ${i.partition.maxPhotos}, minPhotos ${i.partition.minPhotos}; ${i.partition.rule}); ${i.trainPhotos} training views, ${i.dropped} in dropped cells; starting at epoch ${i.startEpoch}`),
  onEpoch: (r) => {
    const g = r.geo;
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)} cell acc ${pct(r.accuracy)} val ${pct(r.valAccuracy)} | ${Object.entries(g.withinKm).map(([k, v]) => `${k} km ${pct(v)}`).join(', ')}, median ${Math.round(g.medianKm)} km | most populous @750 ${pct(g.baselines.mostPopulous.withinKm['750'])}, random @750 ${pct(g.baselines.uniformRandom.withinKm['750'])} | ${r.seconds.toFixed(0)} s`);
  },
});
const report = {
  command: `node packages/geo/scripts/offline-benchmark.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  settings: { ...a, views: { minSpanKm: 2000, maxSpanKm: 4000, maxRotationDeg: 30 } },
  renderSeconds,
  trainSeconds: (performance.now() - started) / 1000,
  cells: result.cells.length,
  partition: result.partition,
  dropped: result.dropped,
  heldOut: result.final,
  history: result.history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, valAccuracy: h.valAccuracy, seconds: h.seconds, withinKm: h.geo?.withinKm, medianKm: h.geo?.medianKm })),
};
writeFileSync(`${a.out}/benchmark.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify({ heldOut: report.heldOut, trainSeconds: report.trainSeconds }, null, 1));
