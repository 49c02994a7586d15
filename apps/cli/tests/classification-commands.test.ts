import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '@mobilenet-kit/classification/training';
import { loadModel } from '@mobilenet-kit/core/node';
import { decodeImage, writeImage } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFakeFashionMnist } from './fashion-fixture';
import { formatDuration, progressLine } from '../src/classification-support';
import { runCli } from './run-cli';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(packageDir, 'dist', 'bin.js');
let dir: string;
let data: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-train-'));
  data = path.join(dir, 'data');
  await writeFakeFashionMnist(data);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Training commands write one line on stderr: the backend that ran (detect-backends.ts startCommandBackend).
const ONLY_BACKEND_LINE = /^backend: wasm\b[^\n]*\n$/;
const quick = (out: string, ...extra: string[]) => ['train', 'fashion-mnist', '--data', data, '--alpha', '0.25', '--batch-size', '32', '--epochs', '1', '--out', out, ...extra];

describe('mobilenet-kit train fashion-mnist', () => {
  it('says how to install the data when they are missing (exit 1)', async () => {
    const r = await runCli(['train', 'fashion-mnist', '--data', path.join(dir, 'nowhere'), '--out', path.join(dir, 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apt-get install -y dataset-fashion-mnist');
    expect(r.stderr).toContain('train-images-idx3-ubyte.gz');
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it('rejects an unknown dataset (exit 2)', async () => {
    const r = await runCli(['train', 'mnist', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown dataset "mnist" (datasets: fashion-mnist)');
  });

  it('trains, writes the model folder, report, charts and checkpoint; evaluate and classify read the model', async () => {
    const out = path.join(dir, 'run');
    const r = await runCli(quick(out, '--label-smoothing', '0.1', '--dropout', '0.2'));
    expect(r.stderr).toMatch(ONLY_BACKEND_LINE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^training mobilenet_0\.25_32_classifier on 160 Fashion-MNIST images/m);
    expect(r.stdout).toMatch(/^epoch 1: loss \d+\.\d{4} {2}acc \d+\.\d\d% {2}val loss/m);
    expect(r.stdout).toContain('Shirt *');
    expect(r.stdout).toMatch(/^accuracy: \d+\.\d\d% of 40 images$/m);
    expect(r.stdout).toMatch(/^model: [\d.]+K mult-adds, [\d.]+K params/m);
    for (const f of ['model/model.json', 'report.json', 'curves.png', 'confusion.png', 'checkpoint/checkpoint.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const png = await readFile(path.join(out, 'curves.png'));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const curves = await decodeImage(png); // the SVG charts, rasterised by sharp
    expect([curves.width, curves.height]).toEqual([960, 400]);
    const confusion = await decodeImage(path.join(out, 'confusion.png'));
    expect(confusion.width).toBeGreaterThan(10 * 30); // a column per class, and the colour bar
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ trainImages: 160, testImages: 40, alpha: 0.25, resolution: 32, config: { labelSmoothing: 0.1 } });
    expect(report.history).toHaveLength(1);
    const model = await loadModel(path.join(out, 'model'));
    expect(model.metadata).toMatchObject({ task: 'classification', labels: expect.arrayContaining(['Shirt', 'Ankle boot']), preprocessing: { grayscale: true, contentSize: 28 } });
    expect(model.graph.nodes.find((n) => n.op === 'dropout')?.attrs).toMatchObject({ rate: 0.2 });

    const again = await runCli(quick(out));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('holds a checkpoint; pass --resume to continue it, --force to start over');
    const both = await runCli(quick(out, '--resume', '--force'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--resume and --force contradict each other');

    const evaluation = await runCli(['evaluate', path.join(out, 'model'), 'fashion-mnist', '--data', data, '--json']);
    expect(evaluation.stderr).toBe('');
    expect(evaluation.code).toBe(0);
    const scores = JSON.parse(evaluation.stdout);
    expect(scores.count).toBe(40);
    expect(scores.accuracy).toBeCloseTo(report.testAccuracy, 10);
    expect(scores.confusion).toEqual(report.confusion);
    const table = await runCli(['evaluate', path.join(out, 'model'), 'fashion-mnist', '--data', data, '--backend', 'cpu', '--limit', '20']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^accuracy: \d+\.\d\d% of 20 images$/m);
    expect(table.stdout).toContain('confusion matrix:');

    // classify: two PNG files drawn like class 0 and class 7 of the fixture (a bright square on black).
    const files: string[] = [];
    for (const [name, oy, ox] of [['zero.png', 2, 1], ['seven.png', 14, 11]] as const) {
      const data = new Uint8Array(28 * 28 * 3);
      for (let y = oy; y < oy + 7; y++) for (let x = ox; x < ox + 7; x++) data.fill(230, (y * 28 + x) * 3, (y * 28 + x) * 3 + 3);
      files.push(path.join(dir, name));
      await writeImage(files.at(-1)!, { width: 28, height: 28, data });
    }
    const classified = await runCli(['classify', ...files, '--model', path.join(out, 'model'), '--top-k', '2', '--json']);
    expect(classified.stderr).toBe('');
    expect(classified.code).toBe(0);
    const predictions = JSON.parse(classified.stdout) as { image: string; predictions: { label: string; index: number; probability: number }[] }[];
    expect(predictions.map((p) => p.image)).toEqual(files);
    for (const p of predictions) {
      expect(p.predictions).toHaveLength(2);
      expect(p.predictions[0]!.probability).toBeGreaterThanOrEqual(p.predictions[1]!.probability);
    }
    const text = await runCli(['classify', files[0]!, '--model', path.join(out, 'model'), '--top-k', '3']);
    expect(text.stdout).toMatch(new RegExp(`^${files[0]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%$`, 'm'));
    const missing = await runCli(['classify', path.join(dir, 'nope.png'), '--model', path.join(out, 'model')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.png');
  }, 600_000);
});

describe('a training run killed mid-epoch', () => {
  it('resumes from the last checkpoint to the same number of epochs, with a readable model and no corrupt file', async () => {
    const out = path.join(dir, 'killed');
    const args = [bin, ...quick(out, '--epochs', '3')];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const checkpointJson = path.join(out, 'checkpoint', 'checkpoint.json');
    // Kill as soon as the first checkpoint has landed: the run is then inside epoch 2.
    const killed = await new Promise<boolean>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(checkpointJson)) {
          clearInterval(timer);
          resolve(child.kill('SIGKILL'));
        }
      }, 20);
      child.on('exit', (code) => {
        clearInterval(timer);
        if (code !== null) reject(new Error(`the run ended by itself (exit ${code}) before it could be killed:\n${stdout}`));
      });
    });
    expect(killed).toBe(true);
    await new Promise((resolve) => child.once('close', resolve));
    expect(stdout).not.toContain('epoch 3:');
    const before = await loadCheckpoint(path.join(out, 'checkpoint'));
    expect(before.epoch).toBeGreaterThanOrEqual(1);
    expect(before.epoch).toBeLessThan(3);

    const resumed = await runCli(quick(out, '--epochs', '3', '--resume'));
    expect(resumed.stderr).toMatch(ONLY_BACKEND_LINE);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resuming after epoch ${before.epoch} of 3`);
    expect(resumed.stdout).toContain('epoch 3:');
    const after = await loadCheckpoint(path.join(out, 'checkpoint'));
    expect(after.epoch).toBe(3);
    expect(after.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    expect(report.history).toHaveLength(3);
    expect((await loadModel(path.join(out, 'model'))).graph.name).toBe('mobilenet_0.25_32_classifier');
    // No temporary or set-aside folder is left behind.
    expect((await readdir(out)).filter((e) => e.startsWith('.'))).toEqual([]);
    // Seconds alone; generous for a machine busy with other work.
  }, 600_000);
});

describe('mobilenet-kit train fashion-mnist --threads', () => {
  it('trains data-parallel on worker threads, and a resumed run keeps the shards with any thread count', async () => {
    const out = path.join(dir, 'threads');
    // The built CLI: its worker threads load dist/training-worker-setup.js beside bin.js.
    const child = spawn(process.execPath, [bin, ...quick(out, '--threads', '2')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toMatch(ONLY_BACKEND_LINE);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^training mobilenet_0\.25_32_classifier on 160 Fashion-MNIST images .*batch 32 in 2 shards on 2 threads, backend wasm$/m);
    expect(stdout).toMatch(/^epoch 1: loss \d+\.\d{4}/m);
    expect((await loadCheckpoint(path.join(out, 'checkpoint'))).config).toMatchObject({ shards: 2 });

    const resumed = await runCli(quick(out, '--epochs', '2', '--resume'));
    expect(resumed.stderr).toMatch(ONLY_BACKEND_LINE);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resuming after epoch 1 of 2, batch 32 in 2 shards on 1 thread, backend wasm/);
    expect((await loadCheckpoint(path.join(out, 'checkpoint'))).epoch).toBe(2);
  }, 600_000);

  it('rejects a thread count below 1 (exit 2)', async () => {
    const r = await runCli(quick(path.join(dir, 'nothreads'), '--threads', '0'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads/);
  });
});

describe('progress line', () => {
  it('shows the epoch, a bar, samples, speed, loss, accuracy and ETA', () => {
    const line = progressLine({ epoch: 2, epochs: 10, samples: 3000, epochSamples: 12000, loss: 0.51234, accuracy: 0.8123, samplesPerSecond: 412.4, etaSeconds: 131 }, 8);
    expect(line).toBe('epoch 2/10 [##......] 3000/12000  412 img/s  loss 0.512  acc 81.2%  ETA 2:11');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
  });
});
