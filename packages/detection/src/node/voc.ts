import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { DatasetImage, DetectionDataset } from '../data/dataset';
import type { GroundTruthObject } from '../evaluate/evaluate-detections';
import { DatasetError } from './dataset-error';

export interface ReadVocOptions {
  /** Class names in class-index order (index 1 first). Default: the names found, sorted. An object of another name is an error. */
  readonly labels?: readonly string[];
  /** Folder of the images. Default `<dir>/JPEGImages` when it exists, else `dir`. */
  readonly imagesDir?: string;
}

interface VocObject {
  name?: unknown;
  difficult?: unknown;
  bndbox?: { xmin?: unknown; ymin?: unknown; xmax?: unknown; ymax?: unknown };
}

const number = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN);

/**
 * Reads a Pascal VOC folder: `<dir>/Annotations/*.xml` (or `*.xml` in `dir` itself), one
 * `<annotation>` per image with `<filename>`, `<size>` and `<object>`s (`<name>`, `<difficult>`,
 * `<bndbox>` 1-based inclusive pixel corners), parsed with fast-xml-parser. Boxes become
 * `x = xmin − 1, width = xmax − xmin + 1` (the devkit's pixel convention). Errors name the XML file and the element.
 */
export async function readVocDataset(dir: string, options: ReadVocOptions = {}): Promise<DetectionDataset> {
  const root = path.resolve(dir);
  const annotationsDir = existsSync(path.join(root, 'Annotations')) ? path.join(root, 'Annotations') : root;
  const imagesDir = options.imagesDir ? path.resolve(options.imagesDir) : existsSync(path.join(root, 'JPEGImages')) ? path.join(root, 'JPEGImages') : root;
  let names: string[];
  try {
    names = (await readdir(annotationsDir)).filter((f) => f.toLowerCase().endsWith('.xml')).sort();
  } catch (e) {
    throw new DatasetError(annotationsDir, `cannot list the VOC annotations: ${(e as Error).message}`);
  }
  if (names.length === 0) throw new DatasetError(annotationsDir, 'no .xml annotation files (expected a VOC folder with Annotations/*.xml)');
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'object' });
  const parsed: { id: string; file: string; width: number; height: number; objects: { name: string; box: GroundTruthObject['box']; difficult: boolean }[] }[] = [];
  for (const name of names) {
    const xmlFile = path.join(annotationsDir, name);
    let doc: { annotation?: { filename?: unknown; size?: { width?: unknown; height?: unknown }; object?: VocObject[] } };
    try {
      doc = parser.parse(await readFile(xmlFile, 'utf8'));
    } catch (e) {
      throw new DatasetError(xmlFile, `not valid XML: ${(e as Error).message}`);
    }
    const a = doc.annotation;
    if (!a) throw new DatasetError(xmlFile, 'no <annotation> root element');
    if (typeof a.filename !== 'string' || a.filename === '') throw new DatasetError(xmlFile, '<annotation><filename> is missing');
    const width = number(a.size?.width);
    const height = number(a.size?.height);
    if (!(width > 0 && height > 0)) throw new DatasetError(xmlFile, `<size> needs positive <width> and <height> (got ${JSON.stringify(a.size)})`);
    const objects = (a.object ?? []).map((o, i) => {
      if (typeof o.name !== 'string' || o.name.trim() === '') throw new DatasetError(xmlFile, `<object> ${i + 1}: <name> is missing`);
      const [xmin, ymin, xmax, ymax] = [o.bndbox?.xmin, o.bndbox?.ymin, o.bndbox?.xmax, o.bndbox?.ymax].map(number) as [number, number, number, number];
      if (![xmin, ymin, xmax, ymax].every(Number.isFinite)) throw new DatasetError(xmlFile, `<object> ${i + 1} ("${o.name}"): <bndbox> needs numeric xmin, ymin, xmax, ymax (got ${JSON.stringify(o.bndbox)})`);
      return { name: o.name.trim(), box: { x: xmin - 1, y: ymin - 1, width: xmax - xmin + 1, height: ymax - ymin + 1 }, difficult: number(o.difficult) === 1 };
    });
    parsed.push({ id: name.slice(0, -4), file: path.join(imagesDir, a.filename), width, height, objects });
  }
  const labels = options.labels ? [...options.labels] : [...new Set(parsed.flatMap((p) => p.objects.map((o) => o.name)))].sort();
  const classOf = new Map(labels.map((l, i) => [l, i + 1]));
  const images: DatasetImage[] = parsed.map((p) => ({
    id: p.id,
    file: p.file,
    width: p.width,
    height: p.height,
    objects: p.objects.map((o) => {
      const classIndex = classOf.get(o.name);
      if (classIndex === undefined) throw new DatasetError(path.join(annotationsDir, `${p.id}.xml`), `object "${o.name}" is not among the labels ${JSON.stringify(labels)}`);
      return { box: o.box, classIndex, ...(o.difficult ? { difficult: true } : {}) };
    }),
  }));
  return { labels, categoryIds: labels.map((_, i) => i + 1), images };
}

/** A COCO JSON file, or a VOC folder: whichever `source` is. */
export async function readDetectionDataset(source: string, options: ReadVocOptions = {}): Promise<DetectionDataset> {
  const { readCocoDataset } = await import('./coco');
  return source.toLowerCase().endsWith('.json') ? readCocoDataset(source, options.imagesDir ? { imagesDir: options.imagesDir } : {}) : readVocDataset(source, options);
}
