import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findFaceApiModelDir, FACE_API_SSD_MANIFEST, importFaceApiSsdWeights, readFaceApiManifest } from '@mobilenet-kit/detection';
import { loadModel } from '@mobilenet-kit/core/node';
import type { Weights } from '@mobilenet-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/io';
import { haveFashionMnistTest, writeFashionMnistFolder } from './fashion-folders';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const DEMO = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

let dir: string;
let train: string;
let val: string;
const haveData = await haveFashionMnistTest();
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-train-classifier-'));
  if (!haveData) return;
  // Real Fashion-MNIST test images as folders: T-shirt/top (T-shirt_top), Trouser, Pullover, Dress; 8 each to train on, the next 4 to validate.
  train = await writeFashionMnistFolder(path.join(dir, 'train'), { classes: [0, 1, 2, 3], perClass: 8 });
  val = await writeFashionMnistFolder(path.join(dir, 'val'), { classes: [0, 1, 2, 3], perClass: 4, skip: 8 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bitsEqual = (a: Weights, b: Weights, name: string) => Buffer.from(a.get(name)!.data.buffer, a.get(name)!.data.byteOffset, a.get(name)!.data.byteLength).equals(Buffer.from(b.get(name)!.data.buffer, b.get(name)!.data.byteOffset, b.get(name)!.data.byteLength));
const tiny = ['--alpha', '0.25', '--resolution', '32', '--batch-size', '8', '--backend', 'wasm'];
type Predictions = { image: string; predictions: { label: string; index: number; probability: number }[] }[];

// Each run takes seconds alone; the timeouts leave room for a machine busy with other work.
describe.skipIf(!haveData)('mobilenet-kit train classifier on folders of Fashion-MNIST test images', { timeout: 600_000 }, () => {
  const out = () => path.join(dir, 'run');

  it('trains with a validation folder, writes model, report, charts and checkpoint, and resumes', async () => {
    const r = await runCli(['train', 'classifier', train, '--out', out(), '--val', val, '--epochs', '1', ...tiny]);
    expect(r.code, r.stderr).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^training mobilenet_0\.25_32_classifier on 32 images in 4 classes from .*train \(validation: 16 images from .*val\), 1 epoch, batch 8, backend wasm$/m);
    expect(r.stdout).toMatch(/^epoch 1: loss \d+\.\d{4} {2}acc \d+\.\d\d% {2}val loss \d+\.\d{4} {2}val acc \d+\.\d\d%/m);
    expect(r.stdout).toContain('T-shirt_top *');
    expect(r.stdout).toMatch(/^accuracy: \d+\.\d\d% of 16 images$/m);
    for (const f of ['model/model.json', 'report.json', 'curves.png', 'confusion.png', 'checkpoint/checkpoint.json']) expect(existsSync(path.join(out(), f)), f).toBe(true);
    const report = JSON.parse(await readFile(path.join(out(), 'report.json'), 'utf8'));
    expect(report).toMatchObject({ labels: ['Dress', 'Pullover', 'T-shirt_top', 'Trouser'], init: 'random weights', resolution: 32, trainImages: 32, evaluatedImages: 16, config: { validationFraction: 0 } });
    const model = await loadModel(path.join(out(), 'model'));
    expect(model.metadata).toMatchObject({ task: 'classification', labels: report.labels, preprocessing: { grayscale: false, contentSize: 32 }, training: { init: 'random weights' } });

    const again = await runCli(['train', 'classifier', train, '--out', out(), '--val', val, ...tiny]);
    expect(again.code).toBe(EXIT_USAGE);
    expect(again.stderr).toContain('holds a checkpoint; pass --resume to continue it, --force to start over');
    const resumed = await runCli(['train', 'classifier', train, '--out', out(), '--val', val, '--resume', '--epochs', '2', '--backend', 'wasm']);
    expect(resumed.code, resumed.stderr).toBe(EXIT_OK);
    expect(resumed.stdout).toContain('resuming after epoch 1 of 2');
    expect(resumed.stdout).toContain('epoch 2:');
    expect(JSON.parse(await readFile(path.join(out(), 'report.json'), 'utf8')).history).toHaveLength(2);
    const other = await runCli(['train', 'classifier', val, '--out', out(), '--resume', '--epochs', '3']);
    expect(other.code).toBe(EXIT_OK); // the same classes: continuing on another folder is allowed
  });

  it('evaluates on a folder (JSON and table), classifies on cpu, wasm and onnxruntime alike', async () => {
    const scores = await runCli(['evaluate', out(), val, '--backend', 'wasm', '--json']);
    expect(scores.code, scores.stderr).toBe(EXIT_OK);
    const s = JSON.parse(scores.stdout);
    expect(s).toMatchObject({ backend: 'wasm', dataset: val, count: 16 });
    expect(s.perClass.map((c: { label: string; support: number }) => [c.label, c.support])).toEqual([['Dress', 4], ['Pullover', 4], ['T-shirt_top', 4], ['Trouser', 4]]);
    expect(s.confusion.reduce((a: number, b: number) => a + b, 0)).toBe(16);
    const table = await runCli(['evaluate', path.join(out(), 'model'), val, '--backend', 'cpu']);
    expect(table.code).toBe(EXIT_OK);
    expect(table.stdout).toMatch(/^Pullover \* +4 /m);
    expect(table.stdout).toMatch(/^accuracy: \d+\.\d\d% of 16 images$/m);
    // A folder with a class the model does not know.
    await mkdir(path.join(dir, 'alien', 'Sneaker'), { recursive: true });
    await copyFile(path.join(val, 'Dress', readdirSync(path.join(val, 'Dress'))[0]!), path.join(dir, 'alien', 'Sneaker', 'a.png'));
    const alien = await runCli(['evaluate', out(), path.join(dir, 'alien'), '--backend', 'wasm']);
    expect(alien.code).toBe(EXIT_FAILURE);
    expect(alien.stderr).toMatch(/alien: class "Sneaker" is not among the model's labels \(Dress, Pullover, T-shirt_top, Trouser\)/);

    const images = readdirSync(path.join(val, 'Trouser')).slice(0, 2).map((f) => path.join(val, 'Trouser', f));
    const runs: Predictions[] = [];
    for (const backend of ['cpu', 'wasm', 'onnxruntime']) {
      const c = await runCli(['classify', ...images, '--model', out(), '--top-k', '4', '--backend', backend, '--json']);
      expect(c.code, `${backend}: ${c.stderr}`).toBe(EXIT_OK);
      runs.push(JSON.parse(c.stdout) as Predictions);
    }
    expect(runs[0]!.map((r) => r.image)).toEqual(images);
    for (const r of runs[0]!) {
      expect(r.predictions).toHaveLength(4);
      expect(r.predictions.reduce((a, p) => a + p.probability, 0)).toBeCloseTo(1, 5);
    }
    const byIndex = (p: Predictions, i: number) => new Map(p[i]!.predictions.map((q) => [q.index, q.probability]));
    for (const other of runs.slice(1)) {
      for (let i = 0; i < images.length; i++) for (const [index, p] of byIndex(runs[0]!, i)) expect(Math.abs(p - byIndex(other, i).get(index)!)).toBeLessThanOrEqual(1e-4);
    }
    const text = await runCli(['classify', images[0]!, '--model', out(), '--top-k', '2', '--backend', 'wasm']);
    expect(text.stdout).toMatch(/: \S+ \d+\.\d%, \S+ \d+\.\d%\n$/);
  });

  it('--init a trained folder: --freeze-backbone keeps every backbone weight, --fine-tune-from keeps the layers before it', async () => {
    const start = await loadModel(path.join(out(), 'model'));
    const frozen = path.join(dir, 'frozen');
    const f = await runCli(['train', 'classifier', train, '--out', frozen, '--init', out(), '--freeze-backbone', '--epochs', '1', '--batch-size', '8', '--val-split', '0', '--backend', 'wasm']);
    expect(f.code, f.stderr).toBe(EXIT_OK);
    expect(f.stdout).toMatch(/^init: \d+ backbone parameters from .*run[/\\]model \(ends at conv_pw_13_relu, 256 channels\), a new head for 4 classes$/m);
    expect(f.stdout).toContain('the 32 training images (nothing held out)');
    const after = await loadModel(path.join(frozen, 'model'));
    for (const name of start.weights.keys()) if (!name.startsWith('head/')) expect(bitsEqual(start.weights, after.weights, name), name).toBe(true);
    expect(bitsEqual(start.weights, after.weights, 'head/logits/kernel')).toBe(false);

    const tuned = path.join(dir, 'tuned');
    const t = await runCli(['train', 'classifier', train, '--out', tuned, '--init', frozen, '--fine-tune-from', 'conv_dw_13', '--epochs', '1', '--batch-size', '8', '--val', val, '--backend', 'wasm']);
    expect(t.code, t.stderr).toBe(EXIT_OK);
    const tunedModel = await loadModel(path.join(tuned, 'model'));
    for (const name of ['conv1/kernel', 'conv_pw_12/kernel', 'conv_pw_12_bn/moving_mean']) expect(bitsEqual(after.weights, tunedModel.weights, name), name).toBe(true);
    for (const name of ['conv_pw_13/kernel', 'conv_pw_13_bn/moving_mean']) expect(bitsEqual(after.weights, tunedModel.weights, name), name).toBe(false);
    const bad = await runCli(['train', 'classifier', train, '--out', path.join(dir, 'bad'), '--init', frozen, '--fine-tune-from', 'conv_dw_99', '--backend', 'wasm']);
    // Refused before any work, as a usage error (it was the trainer's error after the backend started).
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.stderr).toMatch(/--fine-tune-from "conv_dw_99" is not a MobileNet v1 layer; --fine-tune-from takes conv1, conv_dw_1, conv_pw_1, …, conv_dw_13, conv_pw_13/);
  });
});

describe('mobilenet-kit train classifier --init face-ssd on photos', { timeout: 600_000 }, () => {
  it("starts from face-api's pretrained backbone (copied exactly, frozen), skips non-image files, and classifies photos", async () => {
    const photos = path.join(dir, 'photos');
    for (const [cls, files] of [['crowd', ['sample1.jpg', 'sample2.jpg', 'sample3.jpg']], ['portrait', ['sample4.jpg', 'sample5.jpg', 'sample6.jpg']]] as const) {
      await mkdir(path.join(photos, cls), { recursive: true });
      for (const f of files) await copyFile(path.join(DEMO, f), path.join(photos, cls, f));
    }
    await writeFile(path.join(photos, 'crowd', 'notes.txt'), 'not an image');
    const out = path.join(dir, 'ssd');
    const r = await runCli(['train', 'classifier', photos, '--out', out, '--init', 'face-ssd', '--resolution', '32', '--freeze-backbone', '--val-split', '0', '--epochs', '1', '--batch-size', '6', '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^init: 93 backbone parameters from face-ssd \(face-api's SSD MobileNetV1, .*\) \(ends at conv_pw_13_relu, 1024 channels\), a new head for 2 classes$/m);
    expect(r.stdout).toMatch(/^skipped 1 file in .*photos not named as an image \(notes\.txt\)$/m);
    const model = await loadModel(path.join(out, 'model'));
    const file = await readFaceApiManifest('test', await findFaceApiModelDir(), FACE_API_SSD_MANIFEST);
    const ssd = await importFaceApiSsdWeights(file.manifest, file.readShard, file.manifestPath);
    const backbone = [...model.weights.keys()].filter((n) => !n.startsWith('head/'));
    expect(backbone).toHaveLength(93);
    for (const name of backbone) expect(bitsEqual(ssd.weights, model.weights, name), name).toBe(true);
    const c = await runCli(['classify', path.join(photos, 'crowd', 'sample1.jpg'), '--model', out, '--json', '--backend', 'wasm']);
    expect(c.code, c.stderr).toBe(EXIT_OK);
    expect((JSON.parse(c.stdout) as Predictions)[0]!.predictions.map((p) => p.label).sort()).toEqual(['crowd', 'portrait']);
  });
});

describe('mistakes, with what to do', () => {
  it('bad folders: none, no classes, one class, an empty class', async () => {
    const make = async (name: string, files: string[]) => {
      const root = path.join(dir, name);
      await mkdir(root, { recursive: true });
      for (const f of files) {
        await mkdir(path.dirname(path.join(root, f)), { recursive: true });
        await copyFile(path.join(DEMO, 'sample1.jpg'), path.join(root, f));
      }
      return root;
    };
    const cases: [string, RegExp][] = [
      [path.join(dir, 'nowhere'), /nowhere: cannot list the image folder/],
      [await make('flat', ['a.jpg', 'b.jpg']), /flat: has no class subfolders .*it holds 2 image files directly: move them into a folder per class/],
      [await make('single', ['cats/a.jpg']), /single: has 1 class subfolder \("cats"\); a classifier needs at least 2/],
      [await make('hollow', ['cats/a.jpg', 'dogs/readme.md']), /class folder "dogs" holds no image files .*it holds 1 other file \(readme\.md\)/],
    ];
    for (const [folder, message] of cases) {
      const r = await runCli(['train', 'classifier', folder, '--out', path.join(dir, 'never'), '--backend', 'wasm']);
      expect(r.code, folder).toBe(EXIT_FAILURE);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(path.join(dir, 'never', 'model'))).toBe(false);
  });

  it('contradictory flags and an --init that is not a model are usage errors', async () => {
    const photo = path.join(DEMO, 'sample1.jpg');
    const both = await runCli(['train', 'classifier', dir, '--freeze-backbone', '--fine-tune-from', 'conv_dw_12']);
    expect(both.code).toBe(EXIT_USAGE);
    expect(both.stderr).toContain('--freeze-backbone and --fine-tune-from contradict each other');
    const alpha = await runCli(['train', 'classifier', dir, '--init', 'face-ssd', '--alpha', '0.5']);
    expect(alpha.code).toBe(EXIT_USAGE);
    expect(alpha.stderr).toContain("with --init the network is the init model's");
    const init = await runCli(['train', 'classifier', dir, '--init', photo]);
    expect(init.code).toBe(EXIT_USAGE);
    expect(init.stderr).toContain(`--init ${photo} is an image, not a model folder`);
  });

  it('classify without a model, or with a photo as the model, says how to import or train one', async () => {
    const photo = path.join(DEMO, 'sample1.jpg');
    for (const args of [['classify', photo], ['classify', photo, '--model', photo], ['classify', '--model', path.join(dir, 'no-model-here')]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(EXIT_USAGE);
      expect(r.stderr).toContain('mobilenet-kit import <file> --out <dir>');
      expect(r.stderr).toContain('mobilenet-kit train classifier <folder> --out <dir>');
      expect(r.stderr).toContain('a tfjs layers model.json');
      expect(r.stderr).toContain('mobilenet_1_0_224_tf.h5');
      expect(r.stderr).toContain('an ONNX MobileNet v1');
      expect(r.stderr).toContain('a tfjs graph model');
      expect(r.stderr).toContain('tfhub.dev/google/imagenet/mobilenet_v1_100_224/classification/1');
    }
    const photoAsModel = await runCli(['classify', photo, '--model', photo]);
    expect(photoAsModel.stderr).toContain(`--model ${photo} is an image, not a model folder`);
    const first = await runCli(['classify', photo]);
    expect(first.stderr).toContain(`no --model for ${photo}: mobilenet-kit classify <images…> --model <dir>`);
  });
});
