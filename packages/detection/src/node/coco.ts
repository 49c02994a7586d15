import path from 'node:path';
import { parseJsonBounded } from '@mobilenet-kit/core';
import { readRegularFile, writeFileAtomic } from '@mobilenet-kit/core/node';
import type { GroundTruthObject } from '../evaluate/evaluate-detections';
import type { DatasetImage, DetectionDataset } from '../data/dataset';
import { DatasetError } from './dataset-error';

interface CocoJson {
  images?: { id: number; file_name: string; width: number; height: number }[];
  annotations?: { id?: number; image_id: number; category_id: number; bbox: [number, number, number, number]; iscrowd?: number; area?: number }[];
  categories?: { id: number; name: string }[];
}

export interface ReadCocoOptions {
  /** Folder the images' `file_name`s are relative to. Default: the JSON file's folder, then its `images/` subfolder when that exists. */
  readonly imagesDir?: string;
}

/**
 * Reads a COCO "instances" JSON (images, annotations with `bbox` [x, y, w, h] in pixels, categories).
 * Categories become class indices 1…K in ascending category id; `iscrowd` annotations become crowd regions.
 * Errors name the file and the JSON path of the bad entry.
 */
export async function readCocoDataset(file: string, options: ReadCocoOptions = {}): Promise<DetectionDataset> {
  let json: CocoJson;
  try {
    // A regular file (a FIFO would block), size- and depth-bounded JSON.
    json = parseJsonBounded(await readRegularFile(file, { what: 'COCO JSON' }), { file }) as CocoJson;
  } catch (e) {
    throw new DatasetError(file, `cannot read COCO JSON: ${(e as Error).message.replace(`${file}: `, '')}`);
  }
  for (const key of ['images', 'annotations', 'categories'] as const) if (!Array.isArray(json?.[key])) throw new DatasetError(file, `"${key}" is missing or not an array (COCO instances JSON)`);
  const categories = [...json.categories!].sort((a, b) => a.id - b.id);
  const classOf = new Map<number, number>();
  categories.forEach((c, i) => {
    if (!Number.isInteger(c.id) || typeof c.name !== 'string') throw new DatasetError(file, `categories: ${JSON.stringify(c)} needs an integer "id" and a string "name"`);
    if (classOf.has(c.id)) throw new DatasetError(file, `categories: id ${c.id} appears twice`);
    classOf.set(c.id, i + 1);
  });
  const base = path.dirname(path.resolve(file));
  const imagesDir = options.imagesDir ? path.resolve(options.imagesDir) : base;
  const objects = new Map<number, GroundTruthObject[]>();
  json.images!.forEach((im, i) => {
    if (!Number.isInteger(im.id) || typeof im.file_name !== 'string' || !(im.width > 0) || !(im.height > 0)) {
      throw new DatasetError(file, `images[${i}]: needs integer "id", string "file_name", positive "width" and "height" (got ${JSON.stringify(im)})`);
    }
    if (objects.has(im.id)) throw new DatasetError(file, `images[${i}]: id ${im.id} appears twice`);
    objects.set(im.id, []);
  });
  json.annotations!.forEach((a, i) => {
    const list = objects.get(a.image_id);
    if (!list) throw new DatasetError(file, `annotations[${i}]: image_id ${a.image_id} is not among "images"`);
    const classIndex = classOf.get(a.category_id);
    if (classIndex === undefined) throw new DatasetError(file, `annotations[${i}]: category_id ${a.category_id} is not among "categories"`);
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || !a.bbox.every(Number.isFinite)) throw new DatasetError(file, `annotations[${i}].bbox: ${JSON.stringify(a.bbox)} is not [x, y, width, height]`);
    const [x, y, width, height] = a.bbox;
    list.push({ box: { x, y, width, height }, classIndex, ...(a.iscrowd ? { crowd: true } : {}) });
  });
  const images: DatasetImage[] = json.images!.map((im) => ({ id: im.id, file: path.resolve(imagesDir, im.file_name), width: im.width, height: im.height, objects: objects.get(im.id)! }));
  return { labels: categories.map((c) => c.name), categoryIds: categories.map((c) => c.id), images };
}

/**
 * Writes a dataset as COCO instances JSON (atomically): `file_name` relative to the JSON's folder,
 * `bbox` [x, y, w, h], `area` w·h, `iscrowd`; difficult objects are written as normal ones (COCO has no such flag).
 * Image ids that are not integers are replaced by 1, 2, … in order.
 */
export async function writeCocoDataset(file: string, dataset: DetectionDataset): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const intIds = dataset.images.every((im) => Number.isInteger(im.id));
  const images = dataset.images.map((im, i) => ({ id: intIds ? (im.id as number) : i + 1, file_name: path.relative(dir, im.file).split(path.sep).join('/'), width: im.width, height: im.height }));
  const annotations: object[] = [];
  dataset.images.forEach((im, i) => {
    for (const o of im.objects) {
      const { x, y, width, height } = o.box;
      annotations.push({ id: annotations.length + 1, image_id: images[i]!.id, category_id: dataset.categoryIds[o.classIndex - 1] ?? o.classIndex, bbox: [x, y, width, height], area: width * height, iscrowd: o.crowd ? 1 : 0 });
    }
  });
  const categories = dataset.labels.map((name, i) => ({ id: dataset.categoryIds[i] ?? i + 1, name }));
  await writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify({ images, annotations, categories })}\n`));
}
