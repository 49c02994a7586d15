// A face detection set in COCO format made from face-api's own detections (packages/detection/README.md,
// "Fine-tune the face detector"): @vladmandic/face-api's detectAllFaces (SsdMobilenetv1Options: minConfidence
// 0.5, maxResults 100) on tfjs-backend-wasm, run on every face-fixture photo (face-api's sample1…6.jpg,
// python3-skimage's astronaut and camera, the opencv-doc photos: tooling/fixtures/fetch-face-photos.sh) as
// sharp decodes them; every box scoring ≥ 0.5 (clipped to the image) becomes a "face" annotation. Photos
// where face-api finds no face are left out. A seeded split (detection's splitDataset) writes
//   <out>/all/instances.json, <out>/train/instances.json, <out>/val/instances.json
// (file_name relative to each JSON; the photos stay where they are).
//   node tooling/bench/scripts/make-face-set.mjs --out DIR [--photos DIR] [--val F] [--seed S]
// Needs: bash tooling/fixtures/fetch-face-photos.sh; pnpm --filter @mobilenet-kit/detection build.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { splitDataset } from '@mobilenet-kit/detection';
import { writeCocoDataset } from '@mobilenet-kit/detection/node';
import sharp from 'sharp';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string', default: 'face-set' },
    photos: { type: 'string', default: path.join(import.meta.dirname, '../../../node_modules/.cache/mobilenet-kit/fixtures/faces') },
    val: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '1' },
  },
});

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
if (!(await faceapi.tf.setBackend('wasm'))) throw new Error('tfjs wasm did not start');
await faceapi.tf.ready();
const manifest = JSON.parse(readFileSync(path.join(modelDir, 'ssd_mobilenetv1_model-weights_manifest.json'), 'utf8'));
const bin = readFileSync(path.join(modelDir, 'ssd_mobilenetv1_model.bin'));
faceapi.nets.ssdMobilenetv1.loadFromWeightMap(faceapi.tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights));

const photos = [];
for (const sub of readdirSync(a.photos, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  for (const f of readdirSync(path.join(a.photos, sub)).sort()) if (/\.(jpe?g|png)$/i.test(f)) photos.push(path.join(a.photos, sub, f));
}
const images = [];
let faces = 0;
for (const file of photos) {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const input = faceapi.tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.length), [info.height, info.width, 3], 'int32');
  const found = await faceapi.detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 }));
  input.dispose();
  const objects = [];
  for (const d of found) {
    if (d.score < 0.5) continue;
    const x0 = Math.max(0, d.box.x);
    const y0 = Math.max(0, d.box.y);
    const x1 = Math.min(info.width, d.box.x + d.box.width);
    const y1 = Math.min(info.height, d.box.y + d.box.height);
    if (x1 > x0 && y1 > y0) objects.push({ classIndex: 1, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
  }
  if (objects.length === 0) continue;
  faces += objects.length;
  images.push({ id: images.length + 1, file: path.resolve(file), width: info.width, height: info.height, objects });
}
const all = { labels: ['face'], categoryIds: [1], images };
const { train, validation } = splitDataset(all, Number(a.val), Number(a.seed));
const count = (s) => `${s.images.length} photos, ${s.images.reduce((n, im) => n + im.objects.length, 0)} faces`;
for (const [name, set] of [['all', all], ['train', train], ['val', validation]]) {
  mkdirSync(path.join(a.out, name), { recursive: true });
  await writeCocoDataset(path.join(a.out, name, 'instances.json'), set);
}
console.log(`${photos.length} photos read, ${images.length} with a face-api face (score ≥ 0.5): ${faces} faces; train: ${count(train)}; val: ${count(validation)}`);
console.log(['all', 'train', 'val'].map((n) => path.join(a.out, n, 'instances.json')).join('\n'));
