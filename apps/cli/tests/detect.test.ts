import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputPaths } from '../src/detect-image';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const FACE_API_DIR = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
const SAMPLE1 = path.join(FACE_API_DIR, 'demo', 'sample1.jpg');

interface JsonDetection {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  label: string;
}
interface JsonOutput {
  backend: { name: string; tfjsBackend: string };
  modelDir: string;
  options: { minScore: number; iouThreshold: number; maxResults: number };
  images: ({ file: string; width: number; height: number; detections: JsonDetection[]; timings: Record<string, number>; output?: string } | { file: string; error: string })[];
}

let dir: string;
let notAnImage: string;
let truncated: string;
let tiny: string;
let sixteenBit: string;

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner in the test output when cpu starts
  dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-detect-'));
  notAnImage = path.join(dir, 'notes.txt');
  writeFileSync(notAnImage, 'not an image\n');
  truncated = path.join(dir, 'truncated.jpg');
  writeFileSync(truncated, readFileSync(SAMPLE1).subarray(0, 20_000));
  // A 1×1 PNG (a valid image too small to hold a face).
  const sharp = (await import('sharp')).default;
  tiny = path.join(dir, 'tiny.png');
  await sharp(Buffer.from([200, 100, 50]), { raw: { width: 1, height: 1, channels: 3 } }).png().toFile(tiny);
  // A 16-bit grey PNG: converted to 8-bit RGB by the image package.
  sixteenBit = path.join(dir, 'grey16.png');
  await sharp(Buffer.alloc(64 * 48, 90), { raw: { width: 64, height: 48, channels: 1 } }).toColourspace('grey16').png().toFile(sixteenBit);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkDetections(detections: JsonDetection[], width: number, height: number) {
  for (const d of detections) {
    expect(d.label).toBe('face');
    expect(d.score).toBeGreaterThan(0.5);
    expect(d.score).toBeLessThanOrEqual(1);
    expect(d.box.x).toBeGreaterThanOrEqual(0);
    expect(d.box.y).toBeGreaterThanOrEqual(0);
    expect(d.box.width).toBeGreaterThan(0);
    expect(d.box.height).toBeGreaterThan(0);
    expect(d.box.x + d.box.width).toBeLessThanOrEqual(width);
    expect(d.box.y + d.box.height).toBeLessThanOrEqual(height);
  }
  const scores = detections.map((d) => d.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
}

describe('mobilenet-kit detect on face-api sample1.jpg (wasm)', () => {
  let json: JsonOutput;

  it('prints a table per image, the backend and the stage timings, and writes the annotated PNG atomically', async () => {
    const out = path.join(dir, 'out');
    const r = await runCli(['detect', SAMPLE1, '--backend', 'wasm', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^backend: wasm \(tfjs backend wasm, simd (true|false), threads \d+\)$/m);
    expect(r.stdout).toContain(`sample1.jpg: 1920×1280, `);
    expect(r.stdout).toMatch(/^#\s+label\s+score\s+x\s+y\s+width\s+height$/m);
    expect(r.stdout).toMatch(/^1\s+face\s+0\.\d{3}\s+\d+\.\d/m);
    expect(r.stdout).toMatch(/^ms\s+decode\s+preprocess\s+network\s+boxes\+NMS\s+detect\s+draw\+write$/m);
    expect(r.stdout).toMatch(/^sample1\.jpg(\s+\d+\.\d){6}$/m);
    expect(r.stdout).toMatch(/^1 of 1 image processed, [1-9]\d* detections?$/m);
    // Only the JPEG is left behind (JPEG in, JPEG out; writeImage renames its temporary file over it).
    expect(readdirSync(out)).toEqual(['sample1.jpg']);
    // Quality 90: the annotated photo stays within 1.5× the input's size.
    expect(statSync(path.join(out, 'sample1.jpg')).size).toBeLessThanOrEqual(1.5 * statSync(SAMPLE1).size);
    const written = await decodeImage(path.join(out, 'sample1.jpg'));
    expect([written.width, written.height]).toEqual([1920, 1280]);
    const original = await decodeImage(SAMPLE1);
    // Boxes were drawn: the annotated image differs from the photo, in some pixels only (beyond JPEG's noise).
    let changed = 0;
    for (let i = 0; i < original.data.length; i += 3) if (Math.abs(original.data[i]! - written.data[i]!) > 60 || Math.abs(original.data[i + 1]! - written.data[i + 1]!) > 60) changed++;
    expect(changed).toBeGreaterThan(1000);
    expect(changed).toBeLessThan(0.05 * original.width * original.height);
  });

  it('--json: the backend, the options and per image its size, detections in original pixels and timings', async () => {
    const r = await runCli(['detect', SAMPLE1, '--backend', 'wasm', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_OK);
    json = JSON.parse(r.stdout) as JsonOutput;
    expect(json.backend).toMatchObject({ name: 'wasm', tfjsBackend: 'wasm' });
    expect(json.options).toEqual({ minScore: 0.5, iouThreshold: 0.5, maxResults: 100, classAgnostic: false });
    expect(json.modelDir).toBe(path.join(FACE_API_DIR, 'model'));
    expect(json.images).toHaveLength(1);
    const image = json.images[0]!;
    if (!('detections' in image)) throw new Error(`sample1 failed: ${image.error}`);
    expect(image).toMatchObject({ file: SAMPLE1, width: 1920, height: 1280 });
    expect(image.output).toBeUndefined();
    // face-api's own detectAllFaces finds 3 faces here (packages/detection's parity test).
    expect(image.detections).toHaveLength(3);
    checkDetections(image.detections, 1920, 1280);
    expect(Object.keys(image.timings).sort()).toEqual(['decode', 'network', 'postprocess', 'preprocess']);
    for (const v of Object.values(image.timings)) expect(v).toBeGreaterThan(0);
  });

  it('--min-score and --max-results reach the detector', async () => {
    const r = await runCli(['detect', SAMPLE1, '--backend', 'wasm', '--json', '--max-results', '1', '--min-score', '0.9', '--iou', '0.3']);
    expect(r.code).toBe(EXIT_OK);
    const out = JSON.parse(r.stdout) as JsonOutput;
    expect(out.options).toEqual({ minScore: 0.9, iouThreshold: 0.3, maxResults: 1, classAgnostic: false });
    const image = out.images[0] as { detections: JsonDetection[] };
    const best = (json.images[0] as { detections: JsonDetection[] }).detections[0]!;
    expect(image.detections).toEqual([best]);
  });

  it('bad files get one error each and exit 1; the good files are still processed', async () => {
    const missing = path.join(dir, 'missing.jpg');
    const r = await runCli(['detect', notAnImage, SAMPLE1, truncated, missing, tiny, sixteenBit, '--backend', 'wasm', '--json', '--out', path.join(dir, 'mixed')]);
    expect(r.code).toBe(EXIT_FAILURE);
    const out = JSON.parse(r.stdout) as JsonOutput;
    expect(out.images.map((i) => i.file)).toEqual([notAnImage, SAMPLE1, truncated, missing, tiny, sixteenBit]);
    const errors = out.images.map((i) => ('error' in i ? i.error : undefined));
    expect(errors[0]).toBe(`image file "${notAnImage}": not an image in a format sharp can decode (JPEG, PNG, WebP, GIF, TIFF, AVIF; SVG only with allowSvg) [sharp: Input buffer contains unsupported image format]`);
    expect(errors[1]).toBeUndefined();
    expect(errors[2]).toMatch(/^image file ".*truncated\.jpg": .*truncated/);
    expect(errors[3]).toBe(`image file "${missing}": no such file`);
    expect(errors[4]).toBeUndefined();
    expect(out.images[4]).toMatchObject({ width: 1, height: 1, detections: [] });
    expect(out.images[5]).toMatchObject({ width: 64, height: 48, detections: [] });
    expect((out.images[1] as { detections: unknown[] }).detections).toHaveLength(3);
    expect(r.stderr.trimEnd().split('\n')).toEqual(errors.filter((e) => e !== undefined).map((e) => `mobilenet-kit detect: ${e}`));
    expect(readdirSync(path.join(dir, 'mixed')).sort()).toEqual(['grey16.png', 'sample1.jpg', 'tiny.png']);
  });

  it('the text output counts the failures', async () => {
    const r = await runCli(['detect', notAnImage, tiny, '--backend', 'wasm']);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stdout).toContain('tiny.png: 1×1, 0 detections');
    expect(r.stdout).toContain('1 of 2 images processed, 0 detections; 1 failed (see above)');
    expect(r.stderr).toContain('notes.txt": not an image');
  });
});

describe('mobilenet-kit detect on cpu', () => {
  it('--backend cpu runs on tfjs-backend-cpu and finds the same faces as wasm', async () => {
    const [cpu, wasm] = [await runCli(['detect', SAMPLE1, '--json', '--backend', 'cpu']), await runCli(['detect', SAMPLE1, '--json', '--backend', 'wasm'])];
    expect(cpu.code).toBe(EXIT_OK);
    const a = JSON.parse(cpu.stdout) as JsonOutput;
    const b = JSON.parse(wasm.stdout) as JsonOutput;
    expect(a.backend).toMatchObject({ name: 'cpu', tfjsBackend: 'cpu' });
    const da = (a.images[0] as { detections: JsonDetection[] }).detections;
    const db = (b.images[0] as { detections: JsonDetection[] }).detections;
    expect(da).toHaveLength(db.length);
    // face-api's boxes agree between cpu and wasm to 1e-6 in score (shared/FACTS.md); ours likewise, to float rounding.
    da.forEach((d, i) => {
      expect(Math.abs(d.score - db[i]!.score)).toBeLessThan(1e-4);
      expect(Math.abs(d.box.x - db[i]!.box.x)).toBeLessThan(0.5);
      expect(Math.abs(d.box.width - db[i]!.box.width)).toBeLessThan(0.5);
    });
  });
});

describe('mobilenet-kit detect errors', () => {
  it.each([
    [['detect', SAMPLE1, '--threshold', '0.3'], 'unknown flag --threshold'],
    [['detect', SAMPLE1, '--min-score', '1.5'], '--min-score "1.5" is not allowed; --min-score takes a number from 0 to 1'],
    [['detect', SAMPLE1, '--iou', 'high'], '--iou "high" is not allowed'],
    [['detect', SAMPLE1, '--max-results', '2.5'], '--max-results "2.5" is not allowed; --max-results takes an integer ≥ 0'],
    [['detect', SAMPLE1, '--backend', 'webgpu'], '--backend "webgpu" is not allowed; --backend takes one of wasm, cpu, onnxruntime'],
    [['detect', '--json'], 'missing <images>'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('--model-dir without the weights names the file it looked for, exit 1', async () => {
    const empty = mkdtempSync(path.join(dir, 'model-'));
    const r = await runCli(['detect', SAMPLE1, '--model-dir', empty]);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderr).toContain(`cannot read ${path.join(empty, 'ssd_mobilenetv1_model-weights_manifest.json')}`);
  });

  it('an --out that cannot be a folder fails before loading the model, exit 1', async () => {
    const r = await runCli(['detect', SAMPLE1, '--out', notAnImage]);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mobilenet-kit detect: --out .*notes\.txt: cannot create the folder .*notes\.txt \(.*exists and is a regular file, not a folder\)/);
  });

  it('--help shows the variadic images argument and every flag', async () => {
    const r = await runCli(['detect', '--help']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toContain('Usage: mobilenet-kit detect <images…> [--backend B] [--min-score S] [--iou T] [--max-results N] [--out DIR] [--format F] [--json] [--model-dir DIR]');
  });
});

describe('output names', () => {
  it('one file per input in the folder, in its format; repeated names and inputs in the folder get a suffix', () => {
    const out = path.resolve('/data/out');
    expect(outputPaths(['a/x.jpg', 'b/x.png', 'c/X.jpeg', '/data/out/y.png', 'z', 'w.webp', 'v.gif'], out)).toEqual(
      ['x.jpg', 'x.png', 'X-2.jpg', 'y-2.png', 'z.png', 'w.webp', 'v.png'].map((n) => path.join(out, n)),
    );
  });

  it('--format forces one format', () => {
    const out = path.resolve('/data/out');
    expect(outputPaths(['a/x.jpg', 'b/x.png'], out, 'png')).toEqual(['x.png', 'x-2.png'].map((n) => path.join(out, n)));
    expect(outputPaths(['a/x.png'], out, 'jpeg')).toEqual([path.join(out, 'x.jpg')]);
  });
});
