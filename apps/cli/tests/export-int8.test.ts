import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead } from '@mobilenet-kit/classification';
import { createPrng, randomWeights } from '@mobilenet-kit/core/conformance';
import { saveModel } from '@mobilenet-kit/core/node';
import { encodePng } from '@mobilenet-kit/image';
import { DATA_TYPE, decodeOnnx } from '@mobilenet-kit/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_METHODS } from '@mobilenet-kit/onnx';
import { CALIBRATION_METHOD_CHOICES } from '../src/flags';
import { runCli } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-export-int8-'));
const photos = path.join(dir, 'photos');
const classifierDir = path.join(dir, 'classifier');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  // Three small gradient "photos" in a nested folder: calibration images are found recursively.
  mkdirSync(path.join(photos, 'more'), { recursive: true });
  for (let k = 0; k < 3; k++) {
    const side = 40 + 8 * k;
    const data = new Uint8Array(side * side * 3).map((_, i) => (((i % (side * 3)) * (k + 2) + Math.floor(i / (side * 3)) * 5) & 255));
    writeFileSync(path.join(k === 2 ? path.join(photos, 'more') : photos, `p${k}.png`), await encodePng({ width: side, height: side, data }));
  }
  const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, variant: 'shallow', includeTop: false }), { classes: 3, labels: ['a', 'b', 'c'] });
  await saveModel(classifierDir, head.graph, randomWeights(head.graph, createPrng(2)), { metadata: head.metadata as unknown as Record<string, unknown> });
});

const untrained = ['export', '--untrained', '--alpha', '0.25', '--resolution', '96'];

describe('mobilenet-kit export --quantize int8', () => {
  it('offers the calibration methods of @mobilenet-kit/onnx', () => {
    expect([...CALIBRATION_METHOD_CHOICES]).toEqual([...CALIBRATION_METHODS]);
  });

  it('writes a QDQ file with int8 weights from a folder of calibration images', async () => {
    const out = path.join(dir, 'm-int8.onnx');
    const r = await runCli([...untrained, '--quantize', 'int8', '--calibrate', photos, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as int8 \(QDQ: 28 Conv\/Gemm with per-channel int8 weights, 29 activations calibrated by minmax on 3 images of .*photos\), ONNX opset 13/);
    const model = decodeOnnx(new Uint8Array(readFileSync(out)));
    expect(model.graph.node.filter((n) => n.op_type === 'QuantizeLinear').length).toBe(29);
    expect(model.graph.initializer.filter((t) => t.data_type === DATA_TYPE.INT8).length).toBeGreaterThanOrEqual(28);
  });

  it('stores the calibration in a model folder; classify --int8 runs it on onnxruntime and says so', async () => {
    const out = path.join(dir, 'classifier-int8.onnx');
    const r = await runCli(['export', classifierDir, '--quantize', 'int8', '--calibrate', photos, '--calibration-method', 'percentile', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stored = JSON.parse(readFileSync(path.join(classifierDir, 'int8.json'), 'utf8'));
    expect(stored).toMatchObject({ format: 'mobilenet-kit-int8-calibration', method: 'percentile', opset: 13, layout: 'nchw', images: 3 });
    const c = await runCli(['classify', path.join(photos, 'p0.png'), '--model', classifierDir, '--int8', '--backend', 'onnxruntime', '--json']);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)[0].predictions.length).toBe(3);
    const plain = await runCli(['classify', path.join(photos, 'p0.png'), '--model', classifierDir, '--int8', '--backend', 'onnxruntime']);
    expect(plain.stderr).toMatch(/^int8: QDQ on onnxruntime, calibration from .*int8\.json \(percentile on 3 images of .*photos\)$/m);
  });

  it('classify --int8 without a stored calibration says how to make one; an int8.json that is a FIFO or not JSON is named, never read blocking', async () => {
    const bare = path.join(dir, 'bare');
    const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, variant: 'shallow', includeTop: false }), { classes: 3, labels: ['a', 'b', 'c'] });
    await saveModel(bare, head.graph, randomWeights(head.graph, createPrng(2)), { metadata: head.metadata as unknown as Record<string, unknown> });
    const classify = () => runCli(['classify', path.join(photos, 'p0.png'), '--model', bare, '--int8', '--backend', 'onnxruntime']);
    const missing = await classify();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--int8 needs the model's calibration, and ${path.join(bare, 'int8.json')} does not exist: make it with mobilenet-kit export ${bare} --format onnx --quantize int8`);
    writeFileSync(path.join(bare, 'int8.json'), '{"format": ');
    const broken = await classify();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${path.join(bare, 'int8.json')} is not JSON`);
    rmSync(path.join(bare, 'int8.json'));
    execFileSync('mkfifo', [path.join(bare, 'int8.json')]);
    const fifo = await classify();
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain(`${path.join(bare, 'int8.json')}: int8 calibration is not a regular file (a FIFO (named pipe))`);
  });

  it.each([
    [[...untrained, '--quantize', 'int8', '--out', 'x.onnx'], /--quantize int8 needs calibration images: --calibrate <folder of images> or --calibrate fashion-mnist/],
    [[...untrained, '--calibrate', 'photos', '--out', 'x.onnx'], /--calibrate apply to --quantize int8/],
    [[...untrained, '--quantize', 'int8', '--calibrate', 'photos', '--calibration-method', 'kl', '--out', 'x.onnx'], /--calibration-method "kl" is not allowed; --calibration-method takes one of minmax, percentile, entropy/],
    [[...untrained, '--quantize', 'int4', '--calibrate', 'photos', '--out', 'x.onnx'], /--quantize "int4" is not allowed/],
    [[...untrained, '--format', 'keras-h5', '--quantize', 'int8', '--calibrate', 'photos', '--out', 'x.h5'], /--quantize int8 applies to --format onnx, not keras-h5/],
    [[...untrained, '--opset', '12', '--quantize', 'int8', '--calibrate', 'photos', '--out', 'x.onnx'], /--quantize int8 needs --opset 13 or later/],
  ])('usage errors: %j', async (args, message) => {
    const r = await runCli(args.map((a) => (a === 'photos' ? photos : a === 'x.onnx' || a === 'x.h5' ? path.join(dir, a) : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(path.join(dir, 'x.onnx'))).toBe(false);
  });

  it('no calibration images: an empty folder, fashion-mnist for a model that is not a classifier, a path that is neither', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const out = path.join(dir, 'y.onnx');
    const a = await runCli([...untrained, '--quantize', 'int8', '--calibrate', empty, '--out', out]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/no calibration images: the folder .*empty holds no image files/);
    const b = await runCli([...untrained, '--quantize', 'int8', '--calibrate', 'fashion-mnist', '--out', out]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--calibrate fashion-mnist calibrates a Fashion-MNIST classifier/);
    const c = await runCli([...untrained, '--quantize', 'int8', '--calibrate', path.join(dir, 'nowhere'), '--out', out]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/is neither fashion-mnist nor a folder of images/);
    expect(existsSync(out)).toBe(false);
  });

  it('--int8 needs the stored calibration and onnxruntime', async () => {
    const bare = path.join(dir, 'bare-classifier');
    const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, variant: 'shallow', includeTop: false }), { classes: 2 });
    await saveModel(bare, head.graph, randomWeights(head.graph, createPrng(4)), { metadata: head.metadata as unknown as Record<string, unknown> });
    const a = await runCli(['classify', path.join(photos, 'p0.png'), '--model', bare, '--int8']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--int8 needs the model's calibration, and .*int8\.json does not exist: make it with mobilenet-kit export .* --format onnx --quantize int8 --calibrate/);
    const b = await runCli(['classify', path.join(photos, 'p0.png'), '--model', classifierDir, '--int8', '--backend', 'wasm']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--int8 runs on --backend onnxruntime, not wasm/);
  });
});

describe('mobilenet-kit detect --int8 --calibrate', () => {
  const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

  it('calibrates the face detector on other photos and finds the same faces in int8', async () => {
    const calib = path.join(dir, 'detect-calibration');
    mkdirSync(calib, { recursive: true });
    for (const k of [2, 3]) copyFileSync(path.join(demo, `sample${k}.jpg`), path.join(calib, `sample${k}.jpg`));
    const r = await runCli(['detect', path.join(demo, 'sample1.jpg'), '--int8', '--calibrate', calib, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toMatchObject({ name: 'onnxruntime', int8: true, calibration: 'minmax' });
    expect(out.images[0].detections.length).toBe(3);
  }, 120_000);

  it('needs --calibrate, onnxruntime and --int8 for --calibrate', async () => {
    const photo = path.join(demo, 'sample1.jpg');
    const a = await runCli(['detect', photo, '--int8']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--int8 needs calibration photos: --calibrate <folder of images>/);
    const b = await runCli(['detect', photo, '--int8', '--calibrate', photos, '--backend', 'cpu']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--int8 runs on --backend onnxruntime, not cpu/);
    const c = await runCli(['detect', photo, '--calibrate', photos]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--calibrate applies to --int8/);
    const empty = path.join(dir, 'empty-detect');
    mkdirSync(empty, { recursive: true });
    const d = await runCli(['detect', photo, '--int8', '--calibrate', empty]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/no calibration images: the folder .* holds no image files/);
  });
});
