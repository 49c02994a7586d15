import { mkdir, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ImageDataset } from '@mobilenet-kit/classification';
import { composeScenes, type ComposeScenesOptions, type DetectionDataset, type ObjectSprite } from '@mobilenet-kit/detection';
import { writeCocoDataset } from '@mobilenet-kit/detection/node';
import { decodeImage, type RgbImage, writeImage } from '@mobilenet-kit/image';

export interface DetectionSetOptions extends ComposeScenesOptions {
  /** Fashion-MNIST classes (0-based indices into its class names) used as object kinds. */
  readonly classes: readonly number[];
  /** How many items of each class are cut out as sprites. Default 200. */
  readonly spritesPerClass?: number;
}

/** Every decodable photo in a folder (recursively), as RGB; files that do not decode are skipped. */
export async function readBackgrounds(dir: string): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true, recursive: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile() || !/\.(png|jpe?g|webp)$/i.test(entry.name)) continue;
    const image = await decodeImage(path.join(entry.parentPath, entry.name)).catch(() => undefined);
    if (image && Math.min(image.width, image.height) >= 64) out.push(image);
  }
  return out;
}

/** Sprites of the chosen classes: the first `perClass` items of each, class index k + 1 for classes[k]. */
export function fashionSprites(dataset: ImageDataset, classes: readonly number[], perClass: number): ObjectSprite[] {
  const size = dataset.width * dataset.height;
  const taken = classes.map(() => 0);
  const sprites: ObjectSprite[] = [];
  for (let i = 0; i < dataset.count; i++) {
    const k = classes.indexOf(dataset.labels[i]!);
    if (k < 0 || taken[k]! >= perClass) continue;
    taken[k]!++;
    sprites.push({ width: dataset.width, height: dataset.height, gray: dataset.pixels.subarray(i * size, (i + 1) * size), classIndex: k + 1 });
  }
  return sprites;
}

/**
 * Writes an offline detection benchmark set: `count` scenes (composeScenes: Fashion-MNIST items
 * of the chosen classes, tinted, scaled and partly occluded, on crops of the background photos)
 * as PNGs in `dir/images/` and a COCO instances file `dir/instances.json`. Returns the dataset.
 */
export async function writeDetectionSet(dir: string, count: number, backgrounds: readonly RgbImage[], dataset: ImageDataset, options: DetectionSetOptions): Promise<DetectionDataset> {
  const sprites = fashionSprites(dataset, options.classes, options.spritesPerClass ?? 200);
  const scenes = composeScenes(count, backgrounds, sprites, options);
  await mkdir(path.join(dir, 'images'), { recursive: true });
  const images = [];
  for (const [i, scene] of scenes.entries()) {
    const file = path.join(dir, 'images', `${String(i).padStart(5, '0')}.png`);
    await writeImage(file, scene.image);
    images.push({ id: i + 1, file, width: scene.image.width, height: scene.image.height, objects: scene.objects });
  }
  const labels = options.classes.map((c) => dataset.classNames[c] ?? `class ${c}`);
  const set: DetectionDataset = { labels, categoryIds: labels.map((_, i) => i + 1), images };
  await writeCocoDataset(path.join(dir, 'instances.json'), set);
  return set;
}
