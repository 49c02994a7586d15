import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead } from '@mobilenet-kit/classification';
import { FACE_API_SSD_ANCHORS, importFaceApiSsdWeights } from '@mobilenet-kit/detection';
import { saveDetector } from '@mobilenet-kit/detection/node';
import { saveModel } from '@mobilenet-kit/core/node';
import { encodePng } from '@mobilenet-kit/image';
import { toOnnx } from '@mobilenet-kit/onnx';

/** Paths of the hostile-input fixtures, all under one temporary folder. */
export interface HostileFixtures {
  readonly root: string;
  /** A file path under root. */
  at(...parts: string[]): string;
}

const MODEL_JSON = 'model.json';
const require = createRequire(import.meta.url);
/** face-api's folder: its SSD weights (model/) and demo photos (demo/sample1.jpg …). */
export const FACE_API_DIR = path.dirname(require.resolve('@vladmandic/face-api/package.json'));

/** A copy of the model folder `from` as `to`, with `edit` applied to its files (name → bytes). */
function variant(root: string, from: string, to: string, edit: (files: Map<string, Buffer>) => void): void {
  const files = new Map<string, Buffer>();
  for (const f of readdirSync(path.join(root, from))) files.set(f, readFileSync(path.join(root, from, f)));
  edit(files);
  mkdirSync(path.join(root, to));
  for (const [f, b] of files) writeFileSync(path.join(root, to, f), b);
}

// biome-ignore lint/suspicious/noExplicitAny: the fixtures edit model.json freely
function editJson(files: Map<string, Buffer>, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(files.get(MODEL_JSON)!.toString('utf8'));
  edit(json);
  files.set(MODEL_JSON, Buffer.from(JSON.stringify(json)));
}

/**
 * Writes every fixture the hostile-input suite reads: images (valid, truncated, SVG by content, a FIFO, a
 * folder), a small classifier model folder and its damaged variants, importer files (ONNX, tfjs-layers,
 * Teachable Machine, Keras .h5 — damaged), datasets (COCO JSON, VOC XML, class folders, CSV locations) with
 * broken entries, and a pre-existing output folder whose files must stay as they are.
 */
export async function writeHostileFixtures(root: string): Promise<HostileFixtures> {
  const at = (...parts: string[]) => path.join(root, ...parts);
  const png = await encodePng({ width: 40, height: 32, data: new Uint8Array(40 * 32 * 3).map((_, i) => (i * 37) % 251) });
  writeFileSync(at('ok.png'), png);
  writeFileSync(at('truncated.png'), png.subarray(0, 60));
  writeFileSync(at('empty.png'), new Uint8Array(0));
  writeFileSync(at('text.jpg'), 'this is not an image\n');
  writeFileSync(at('svg.jpg'), '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#468"/></svg>');
  writeFileSync(at('link.svg'), '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="32" height="32"><image xlink:href="file:///etc/passwd" width="32" height="32"/></svg>');
  writeFileSync(at('zero.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>');
  writeFileSync(at('header-only.png'), Buffer.concat([png.subarray(0, 33)]));
  execFileSync('mkfifo', [at('fifo.png')]);
  mkdirSync(at('folder.png'));
  for (const f of ['unreadable.png', 'unreadable.onnx']) {
    writeFileSync(at(f), png);
    chmodSync(at(f), 0);
  }
  writeFileSync(at('deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  writeFileSync(at('not-json.json'), '{"a": ');

  // A small classifier (0.25-32, 3 classes) and its damaged variants.
  const backbone = mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false });
  const head = classifierHead(backbone, { classes: 3, labels: ['a', 'b', 'c'] });
  const weights = initializeWeights(head.graph, { seed: 1 });
  await saveModel(at('cls'), head.graph, weights, { metadata: head.metadata as never });
  const shard = readdirSync(at('cls')).find((f) => f.endsWith('.bin'))!;
  variant(root, 'cls', 'cls-truncated-json', (f) => f.set(MODEL_JSON, f.get(MODEL_JSON)!.subarray(0, 200)));
  variant(root, 'cls', 'cls-deep-json', (f) => f.set(MODEL_JSON, Buffer.from(`{"format":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)));
  variant(root, 'cls', 'cls-short-shard', (f) => f.set(shard, f.get(shard)!.subarray(0, 1000)));
  variant(root, 'cls', 'cls-long-shard', (f) => f.set(shard, Buffer.concat([f.get(shard)!, Buffer.alloc(16)])));
  variant(root, 'cls', 'cls-no-shard', (f) => f.delete(shard));
  variant(root, 'cls', 'cls-nan', (f) => {
    const b = Buffer.from(f.get(shard)!);
    b.writeFloatLE(Number.NaN, 8);
    f.set(shard, b);
  });
  variant(root, 'cls', 'cls-inf', (f) => {
    const b = Buffer.from(f.get(shard)!);
    b.writeFloatLE(Number.POSITIVE_INFINITY, 4);
    f.set(shard, b);
  });
  variant(root, 'cls', 'cls-wrong-shape', (f) => editJson(f, (j) => (j.weightsManifest[0].weights[0].shape = [3, 3, 3, 9])));
  variant(root, 'cls', 'cls-huge-shape', (f) => editJson(f, (j) => (j.weightsManifest[0].weights[0].shape = [1e9, 1e9])));
  variant(root, 'cls', 'cls-path-escape', (f) => editJson(f, (j) => (j.weightsManifest[0].paths = ['../../etc/passwd'])));
  variant(root, 'cls', 'cls-no-task', (f) => editJson(f, (j) => delete j.metadata));
  variant(root, 'cls', 'cls-bad-op', (f) => editJson(f, (j) => (j.graph.nodes[1].op = 'fancyConv')));
  mkdirSync(at('cls-fifo-json'));
  execFileSync('mkfifo', [at('cls-fifo-json', MODEL_JSON)]);
  mkdirSync(at('cls-dir-json'));
  mkdirSync(at('cls-dir-json', MODEL_JSON));
  mkdirSync(at('empty-dir'));

  // Importer files.
  const onnx = new Uint8Array(toOnnx(mobilenetV1({ alpha: 0.25, resolution: 32, classes: 3 }), initializeWeights(mobilenetV1({ alpha: 0.25, resolution: 32, classes: 3 }), { seed: 2 })));
  writeFileSync(at('m.onnx'), onnx);
  writeFileSync(at('truncated.onnx'), onnx.subarray(0, Math.floor(onnx.length / 2)));
  writeFileSync(at('garbage.onnx'), Buffer.alloc(512, 0xff));
  writeFileSync(at('empty.onnx'), new Uint8Array(0));
  writeFileSync(at('fake.h5'), 'not an hdf5 file at all');
  writeFileSync(at('hdf5-sig.h5'), Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]));
  mkdirSync(at('tfjs-broken'));
  writeFileSync(at('tfjs-broken', MODEL_JSON), '{"modelTopology": {"class_name": "Model", "config": {"layers": [');
  mkdirSync(at('tfjs-deep'));
  writeFileSync(at('tfjs-deep', MODEL_JSON), `{"modelTopology":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  mkdirSync(at('tfjs-no-topology'));
  writeFileSync(at('tfjs-no-topology', MODEL_JSON), JSON.stringify({ format: 'layers-model', weightsManifest: [] }));
  mkdirSync(at('tfjs-graph-like'));
  writeFileSync(at('tfjs-graph-like', MODEL_JSON), JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 3, name: 'd' } }] } }, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'd/kernel', shape: [4, 3], dtype: 'float32' }] }] }));
  writeFileSync(at('tfjs-graph-like', 'weights.bin'), Buffer.alloc(8));
  writeFileSync(at('metadata-broken.json'), '{"labels": ["a", ');
  writeFileSync(at('metadata-deep.json'), `{"labels":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  writeFileSync(at('metadata-nolabels.json'), JSON.stringify({ tfjsVersion: '1.3.1', imageSize: 224 }));
  writeFileSync(at('labels-empty.txt'), '');

  // Datasets.
  writeFileSync(at('coco-broken.json'), '{"images": [{"id": 1, "file_name": "ok.png"');
  writeFileSync(at('coco-deep.json'), `{"images":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  writeFileSync(at('coco-no-images.json'), JSON.stringify({ annotations: [], categories: [] }));
  writeFileSync(at('coco-bad-box.json'), JSON.stringify({ images: [{ id: 1, file_name: 'ok.png', width: 40, height: 32 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, Number.NaN, -5] }], categories: [{ id: 1, name: 'x' }] }).replace('null', '"NaN"'));
  writeFileSync(at('coco-missing-image.json'), JSON.stringify({ images: [{ id: 1, file_name: 'missing.png', width: 40, height: 32 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 10, 10] }], categories: [{ id: 1, name: 'x' }] }));
  writeFileSync(at('coco-unknown-category.json'), JSON.stringify({ images: [{ id: 1, file_name: 'ok.png', width: 40, height: 32 }], annotations: [{ id: 1, image_id: 1, category_id: 7, bbox: [1, 1, 10, 10] }], categories: [{ id: 1, name: 'x' }] }));
  mkdirSync(at('voc', 'Annotations'), { recursive: true });
  mkdirSync(at('voc', 'JPEGImages'), { recursive: true });
  writeFileSync(at('voc', 'JPEGImages', 'a.png'), png);
  writeFileSync(at('voc', 'Annotations', 'a.xml'), '<annotation><filename>a.png</filename><size><width>40</width><height>32</height></size><object><name>x</name><bndbox><xmin>1</xmin><ymin>1');
  mkdirSync(at('voc-empty', 'Annotations'), { recursive: true });
  mkdirSync(at('voc-badbox', 'Annotations'), { recursive: true });
  mkdirSync(at('voc-badbox', 'JPEGImages'), { recursive: true });
  writeFileSync(at('voc-badbox', 'JPEGImages', 'a.png'), png);
  writeFileSync(at('voc-badbox', 'Annotations', 'a.xml'), '<annotation><filename>a.png</filename><size><width>40</width><height>32</height></size><object><name>x</name><bndbox><xmin>30</xmin><ymin>1</ymin><xmax>abc</xmax><ymax>10</ymax></bndbox></object></annotation>');
  for (const c of ['one', 'two']) mkdirSync(at('classes', c), { recursive: true });
  writeFileSync(at('classes', 'one', 'a.png'), png);
  writeFileSync(at('classes', 'one', 'bad.png'), png.subarray(0, 60));
  writeFileSync(at('classes', 'two', 'b.png'), png);
  mkdirSync(at('one-class', 'only'), { recursive: true });
  writeFileSync(at('one-class', 'only', 'a.png'), png);
  mkdirSync(at('photos'));
  writeFileSync(at('photos', 'a.png'), png);
  writeFileSync(at('locations-bad.csv'), 'file,lat,lon\nphotos/a.png,95,10\n');
  writeFileSync(at('locations-nan.csv'), 'file,lat,lon\nphotos/a.png,abc,10\n');
  writeFileSync(at('locations-header.csv'), 'name;latitude\nphotos/a.png;1\n');
  writeFileSync(at('locations-escape.csv'), 'file,lat,lon\n../../etc/passwd,1,2\n');
  const faceApiGallery = (labeledDescriptors: unknown) => JSON.stringify({ distanceThreshold: 0.6, labeledDescriptors });
  writeFileSync(at('gallery-empty.json'), faceApiGallery([]));
  writeFileSync(at('gallery-nolabel.json'), faceApiGallery([{ descriptors: [Array(128).fill(0.01)] }]));
  writeFileSync(at('gallery-short.json'), faceApiGallery([{ label: 'ann', descriptors: [[0.1, 0.2, 0.3]] }]));
  writeFileSync(at('gallery-huge.json'), `{"distanceThreshold":0.6,"labeledDescriptors":[{"label":"ann","descriptors":[[${Array.from({ length: 128 }, (_, i) => (i === 5 ? '1e400' : '0.01')).join(',')}]]}]}`);
  writeFileSync(at('gallery-nan.json'), faceApiGallery([{ label: 'ann', descriptors: [Array.from({ length: 128 }, (_, i) => (i === 7 ? 'NaN' : 0.01))] }]));
  writeFileSync(at('gallery-array.json'), JSON.stringify([1, 2, 3]));
  writeFileSync(at('gallery-broken.json'), '[{"label":"ann","descriptors":[[0.1,');
  writeFileSync(at('gallery-deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  writeFileSync(at('gallery.bin'), Buffer.from('MKGALLRY-not-really'));
  mkdirSync(at('gallery-folder-empty'));
  mkdirSync(at('gallery-noface', 'ann'), { recursive: true });
  writeFileSync(at('gallery-noface', 'ann', 'a.png'), png);

  // Two people whose photos have faces (face-api's demo photos), for the commands that get past the gallery.
  for (const [person, n] of [['ann', 1], ['bob', 2]] as const) {
    mkdirSync(at('faces', person), { recursive: true });
    writeFileSync(at('faces', person, 'a.jpg'), readFileSync(path.join(FACE_API_DIR, 'demo', `sample${n}.jpg`)));
  }
  writeFileSync(at('photos-located.csv'), 'file,lat,lon\nphotos/a.png,48.85,2.35\n');
  writeFileSync(at('classes-ok-note.txt'), 'class folders one, two: not the labels a, b, c of cls\n');
  for (const c of ['one', 'two']) {
    mkdirSync(at('classes-ok', c), { recursive: true });
    writeFileSync(at('classes-ok', c, 'a.png'), png);
  }
  writeFileSync(at('coco-ok.json'), JSON.stringify({ images: [1, 2, 3].map((id) => ({ id, file_name: 'ok.png', width: 40, height: 32 })), annotations: [1, 2, 3].map((id) => ({ id, image_id: id, category_id: 1, bbox: [4, 4, 20, 20] })), categories: [{ id: 1, name: 'face' }] }));

  // face-api's SSD as a detector folder, and one with a NaN weight.
  const manifest = JSON.parse(readFileSync(path.join(FACE_API_DIR, 'model', 'ssd_mobilenetv1_model-weights_manifest.json'), 'utf8'));
  const bin = new Uint8Array(readFileSync(path.join(FACE_API_DIR, 'model', 'ssd_mobilenetv1_model.bin')));
  const ssd = await importFaceApiSsdWeights(manifest, async () => bin);
  await saveDetector(at('det'), {
    graph: ssd.graph,
    weights: ssd.weights,
    config: { labels: ['face', null], anchorGenerator: { type: 'ssd', options: FACE_API_SSD_ANCHORS }, preprocessing: { resize: 'padBottomRight', normalize: 'minusOneToOne' }, defaults: { minScore: 0.5, iouThreshold: 0.5 } },
  });

  // A pre-existing output folder: the suite checks after every case that its files are unchanged.
  mkdirSync(at('existing-out'));
  writeFileSync(at('existing-out', 'keep.txt'), 'user data, must survive\n');
  writeFileSync(at('a-file'), 'a regular file where a folder is asked for\n');
  return { root, at };
}

/** A face distillation data folder (distill-set.json + .bin) whose JSON is cut short. */
export function writeDamagedDistillCaches(fx: HostileFixtures): void {
  mkdirSync(fx.at('cache-truncated'));
  writeFileSync(fx.at('cache-truncated', 'distill-set.json'), '{"cropSize": 64, "faces": [');
  writeFileSync(fx.at('cache-truncated', 'distill-set.bin'), Buffer.alloc(16));
  mkdirSync(fx.at('cache-fifo'));
  execFileSync('mkfifo', [fx.at('cache-fifo', 'distill-set.json')]);
  mkdirSync(fx.at('cache-no-bin-field'));
  writeFileSync(fx.at('cache-no-bin-field', 'distill-set.json'), JSON.stringify({ cropSize: 64, faces: [] }));
  writeFileSync(fx.at('cache-no-bin-field', 'distill-set.bin'), Buffer.alloc(16));
}
