import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeImage } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK } from '../src/io';
import { writeFakeFashionMnist } from './fashion-fixture';
import { runCli } from './run-cli';

// classify and embed take detect's backends: --backend onnxruntime runs them on onnxruntime-node.

const require = createRequire(import.meta.url);
const SAMPLE1 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-backends-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface EmbedJson {
  backend: { name: string; spinning?: boolean };
  images: { faces: { score: number; descriptor: number[] }[] }[];
}

describe('--backend onnxruntime on the other inference commands', () => {
  it('embed: runs on onnxruntime and gives the descriptors wasm gives (max |Δ| ≤ 1e-3)', async () => {
    const [ort, wasm] = [await runCli(['embed', SAMPLE1, '--backend', 'onnxruntime', '--json']), await runCli(['embed', SAMPLE1, '--backend', 'wasm', '--json'])];
    expect(ort.stderr).toBe('');
    expect(ort.code).toBe(EXIT_OK);
    const [a, b] = [JSON.parse(ort.stdout) as EmbedJson, JSON.parse(wasm.stdout) as EmbedJson];
    expect(a.backend.name).toBe('onnxruntime');
    // Detector and embedder take turns: onnxruntime's idle threads must not spin (backend-onnxruntime README, Speed).
    expect(a.backend.spinning).toBe(false);
    expect(b.backend.name).toBe('wasm');
    const [fa, fb] = [a.images[0]!.faces, b.images[0]!.faces];
    expect(fa).toHaveLength(3);
    expect(fa.length).toBe(fb.length);
    fa.forEach((face, i) => {
      const worst = Math.max(...face.descriptor.map((v, k) => Math.abs(v - fb[i]!.descriptor[k]!)));
      expect(worst).toBeLessThanOrEqual(1e-3);
    });
  });

  // classify's output does not name its backend: this checks that onnxruntime starts, runs the model and agrees with wasm.
  it('classify: runs a trained model on onnxruntime with the probabilities wasm gives (|Δ| ≤ 1e-4)', async () => {
    const data = path.join(dir, 'data');
    await writeFakeFashionMnist(data);
    const out = path.join(dir, 'run');
    const trained = await runCli(['train', 'fashion-mnist', '--data', data, '--alpha', '0.25', '--batch-size', '32', '--epochs', '1', '--out', out]);
    expect(trained.code, trained.stderr).toBe(EXIT_OK);
    // A bright square on black, like the fixture's class 0.
    const pixels = new Uint8Array(28 * 28 * 3);
    for (let y = 2; y < 9; y++) for (let x = 1; x < 8; x++) pixels.fill(230, (y * 28 + x) * 3, (y * 28 + x) * 3 + 3);
    const image = path.join(dir, 'zero.png');
    await writeImage(image, { width: 28, height: 28, data: pixels });
    const run = (backend: string) => runCli(['classify', image, '--model', path.join(out, 'model'), '--top-k', '10', '--backend', backend, '--json']);
    const [ort, wasm] = [await run('onnxruntime'), await run('wasm')];
    expect(ort.stderr).toBe('');
    expect(ort.code).toBe(EXIT_OK);
    type Predictions = { predictions: { index: number; probability: number }[] }[];
    const byIndex = (stdout: string) => new Map((JSON.parse(stdout) as Predictions)[0]!.predictions.map((p) => [p.index, p.probability]));
    const [pa, pb] = [byIndex(ort.stdout), byIndex(wasm.stdout)];
    expect(pa.size).toBe(10);
    for (const [index, p] of pa) expect(Math.abs(p - pb.get(index)!)).toBeLessThanOrEqual(1e-4);
  });
});
