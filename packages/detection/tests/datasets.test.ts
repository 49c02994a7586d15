import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { splitDataset } from '../src/index';
import { readCocoDataset, readDetectionDataset, readVocDataset, validateDataset, writeCocoDataset } from '../src/node/index';

async function png(file: string, width: number, height: number) {
  await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 200 } } }).png().toFile(file);
}

const vocXml = (file: string, w: number, h: number, objects: string) =>
  `<?xml version="1.0"?>\n<annotation>\n <folder>VOC2012</folder>\n <filename>${file}</filename>\n <size><width>${w}</width><height>${h}</height><depth>3</depth></size>\n${objects}</annotation>\n`;
const vocObject = (name: string, [xmin, ymin, xmax, ymax]: number[], difficult = 0) =>
  ` <object><name>${name}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>${difficult}</difficult><bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>\n`;

describe('dataset readers', () => {
  it('reads COCO instances (category ids to class indices, iscrowd), validates against the images, lists every problem, and writes COCO back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'coco-'));
    mkdirSync(path.join(dir, 'img'));
    await png(path.join(dir, 'img', 'a.png'), 40, 30);
    await png(path.join(dir, 'img', 'b.png'), 20, 20); // annotated as 25 × 20
    const coco = {
      images: [
        { id: 7, file_name: 'img/a.png', width: 40, height: 30 },
        { id: 9, file_name: 'img/b.png', width: 25, height: 20 },
        { id: 11, file_name: 'img/missing.png', width: 10, height: 10 },
      ],
      annotations: [
        { id: 1, image_id: 7, category_id: 18, bbox: [1, 2, 10, 12], area: 120, iscrowd: 0 },
        { id: 2, image_id: 7, category_id: 3, bbox: [20, 5, 30, 10], area: 300, iscrowd: 1 }, // leaves the 40-wide image
        { id: 3, image_id: 9, category_id: 3, bbox: [0, 0, 5, 5], area: 25, iscrowd: 0 },
      ],
      categories: [
        { id: 18, name: 'dog' },
        { id: 3, name: 'car' },
      ],
    };
    const file = path.join(dir, 'instances.json');
    writeFileSync(file, JSON.stringify(coco));
    const ds = await readCocoDataset(file);
    expect(ds.labels).toEqual(['car', 'dog']);
    expect(ds.categoryIds).toEqual([3, 18]);
    expect(ds.images[0]!.file).toBe(path.join(dir, 'img', 'a.png'));
    expect(ds.images[0]!.objects).toEqual([
      { box: { x: 1, y: 2, width: 10, height: 12 }, classIndex: 2 },
      { box: { x: 20, y: 5, width: 30, height: 10 }, classIndex: 1, crowd: true },
    ]);
    const problems = await validateDataset(ds);
    expect(problems.ok).toBe(false);
    expect(problems.missingFiles).toEqual([path.join(dir, 'img', 'missing.png')]);
    expect(problems.sizeMismatches).toEqual([{ file: path.join(dir, 'img', 'b.png'), annotated: [25, 20], actual: [20, 20] }]);
    expect(problems.badBoxes.map((b) => [b.object, b.problem])).toEqual([[1, 'outside the 40×30 image']]);

    const out = path.join(dir, 'out', 'copy.json');
    mkdirSync(path.dirname(out));
    await writeCocoDataset(out, ds);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.categories).toEqual([{ id: 3, name: 'car' }, { id: 18, name: 'dog' }]);
    expect(written.images[0]).toEqual({ id: 7, file_name: '../img/a.png', width: 40, height: 30 });
    expect(written.annotations.map((a: { category_id: number; bbox: number[]; iscrowd: number }) => [a.category_id, a.bbox, a.iscrowd])).toEqual(coco.annotations.map((a) => [a.category_id, a.bbox, a.iscrowd]));

    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...coco, annotations: [{ image_id: 7, category_id: 99, bbox: [0, 0, 1, 1] }] }));
    await expect(readCocoDataset(path.join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: annotations\[0\]: category_id 99/);
  });

  it('reads a Pascal VOC folder (1-based inclusive corners, difficult) with fast-xml-parser and names a bad XML file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'voc-'));
    mkdirSync(path.join(dir, 'Annotations'));
    mkdirSync(path.join(dir, 'JPEGImages'));
    await png(path.join(dir, 'JPEGImages', '0001.png'), 50, 40);
    writeFileSync(path.join(dir, 'Annotations', '0001.xml'), vocXml('0001.png', 50, 40, vocObject('person', [1, 1, 10, 20]) + vocObject('bottle', [30, 5, 50, 40], 1)));
    writeFileSync(path.join(dir, 'Annotations', '0002.xml'), vocXml('0002.png', 50, 40, vocObject('person', [5, 5, 6, 6])));
    const ds = await readDetectionDataset(dir);
    expect(ds.labels).toEqual(['bottle', 'person']);
    expect(ds.images.map((i) => i.id)).toEqual(['0001', '0002']);
    expect(ds.images[0]!.objects).toEqual([
      { box: { x: 0, y: 0, width: 10, height: 20 }, classIndex: 2 },
      { box: { x: 29, y: 4, width: 21, height: 36 }, classIndex: 1, difficult: true },
    ]);
    const problems = await validateDataset(ds);
    expect(problems.missingFiles).toEqual([path.join(dir, 'JPEGImages', '0002.png')]);
    expect(problems.badBoxes).toEqual([]);
    await expect(readVocDataset(dir, { labels: ['person'] })).rejects.toThrow(/0001\.xml: object "bottle" is not among the labels/);
    writeFileSync(path.join(dir, 'Annotations', '0003.xml'), vocXml('0003.png', 0, 40, ''));
    await expect(readVocDataset(dir)).rejects.toThrow(/0003\.xml: <size> needs positive/);
  });

  it('splits with a seed: disjoint, complete, reproducible', () => {
    const images = Array.from({ length: 20 }, (_, i) => ({ id: i, file: `${i}.png`, width: 1, height: 1, objects: [] }));
    const ds = { labels: ['a'], categoryIds: [1], images };
    const a = splitDataset(ds, 0.25, 3);
    const b = splitDataset(ds, 0.25, 3);
    const c = splitDataset(ds, 0.25, 4);
    expect(a.validation.images.length).toBe(5);
    expect(a.validation.images.map((i) => i.id)).toEqual(b.validation.images.map((i) => i.id));
    expect(a.validation.images.map((i) => i.id)).not.toEqual(c.validation.images.map((i) => i.id));
    expect([...a.train.images, ...a.validation.images].map((i) => i.id).sort((x, y) => Number(x) - Number(y))).toEqual(images.map((i) => i.id));
  });
});
