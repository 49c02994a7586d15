// The offline detection benchmark set (packages/detection/README.md, "Offline benchmark"): Fashion-MNIST
// items of four kinds (T-shirt/top, Trouser, Bag, Ankle boot), tinted, scaled 24–80 px and partly occluded,
// pasted on crops of real photos (the face-photo fixtures: opencv-doc and python3-skimage), as COCO JSON.
//   node tooling/bench/scripts/make-detection-set.mjs --out DIR [--train N] [--val N] [--size S] [--backgrounds DIR] [--seed S]
// Needs: apt-get install -y dataset-fashion-mnist; bash tooling/fixtures/fetch-face-photos.sh; pnpm build.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readFashionMnist } from '@mobilenet-kit/classification/node';
import { readBackgrounds, writeDetectionSet } from '../dist/index.js';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string', default: 'detection-set' },
    train: { type: 'string', default: '800' },
    val: { type: 'string', default: '200' },
    size: { type: 'string', default: '160' },
    backgrounds: { type: 'string', default: path.join(import.meta.dirname, '../../../node_modules/.cache/mobilenet-kit/fixtures/faces') },
    seed: { type: 'string', default: '1' },
  },
});
const classes = [0, 1, 8, 9];
const backgrounds = await readBackgrounds(a.backgrounds);
// Training scenes use Fashion-MNIST's training items, validation scenes its test items: no sprite is shared.
const common = { classes, size: Number(a.size), spritesPerClass: 300 };
const train = await writeDetectionSet(path.join(a.out, 'train'), Number(a.train), backgrounds, await readFashionMnist('train'), { ...common, seed: Number(a.seed) });
const val = await writeDetectionSet(path.join(a.out, 'val'), Number(a.val), backgrounds, await readFashionMnist('test'), { ...common, seed: Number(a.seed) + 1000 });
const objects = (s) => s.images.reduce((n, im) => n + im.objects.length, 0);
console.log(`${backgrounds.length} background photos; train: ${train.images.length} images, ${objects(train)} objects; val: ${val.images.length} images, ${objects(val)} objects; classes ${train.labels.join(', ')}`);
console.log(`${path.join(a.out, 'train', 'instances.json')}\n${path.join(a.out, 'val', 'instances.json')}`);
