import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import { readDetectorFolder, writeCocoDataset } from '@mobilenet-kit/detection/node';
import { decodeImage } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

// Fine-tuning face-api's face detector on a face set in COCO format made from face-api's own detections
// (packages/detection/README.md, "Fine-tune the face detector"), in miniature: two demo photos labelled by
// the kit's face detector (equal to face-api's detectAllFaces: detection's face-api-parity test), one step
// of head-only training at 512 px, the folder read back, and its agreement with those boxes kept.
const require = createRequire(import.meta.url);
const demo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-train-face-'));
const coco = path.join(dir, 'faces.json');
const out = path.join(dir, 'run');

beforeAll(async () => {
  registerWasmBackend();
  const detector = await loadFaceDetector({ backend: 'wasm' });
  const images = [];
  for (const [i, name] of ['sample1.jpg', 'sample2.jpg'].entries()) {
    const file = path.join(demo, name);
    const detections = await detector.detect(file, { minScore: 0.5 });
    const { width, height } = await decodeImage(file);
    images.push({ id: i + 1, file, width, height, objects: detections.map((d) => ({ classIndex: 1, box: d.box })) });
  }
  detector.dispose();
  await writeCocoDataset(coco, { labels: ['face'], categoryIds: [1], images });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train detector --init face-ssd on a face set', () => {
  it("keeps face-api's face scores and padding, round-trips the folder, and still agrees with face-api's boxes", async () => {
    const r = await runCli(['train', 'detector', coco, '--init', 'face-ssd', '--resolution', '512', '--freeze-backbone', '--epochs', '1', '--batch-size', '2', '--val-split', '0', '--no-augment', '--learning-rate', '0.00001', '--out', out, '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/class predictors of background and face from face-api's; images padded bottom\/right to a square as face-api/);
    expect(r.stderr).toMatch(/2 training images, 0 held out, 1 classes/);
    const folder = await readDetectorFolder(path.join(out, 'model'));
    expect(folder.config.labels).toEqual(['face']);
    expect(folder.config.preprocessing).toEqual({ resize: 'padBottomRight', normalize: 'minusOneToOne' });
    const tuned = await runCli(['evaluate', 'detector', out, coco, '--json', '--backend', 'wasm']);
    expect(tuned.code, tuned.stderr).toBe(0);
    const stock = await runCli(['evaluate', 'detector', 'face-ssd', coco, '--json', '--backend', 'wasm']);
    expect(stock.code, stock.stderr).toBe(0);
    const [t, s] = [JSON.parse(tuned.stdout), JSON.parse(stock.stdout)] as { mAP50: number; mAP: number; perClass: Record<string, number> }[];
    expect(Object.keys(t!.perClass)).toEqual(['face']);
    // face-api scored against its own boxes (the kit's exact box mapping: IoU ≥ 0.995 with face-api's).
    expect(s!.mAP50).toBeGreaterThan(0.99);
    expect(t!.mAP50).toBeGreaterThan(0.9);
    expect(t!.mAP).toBeGreaterThan(0.8);
    expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).history).toHaveLength(1);
  }, 300_000);
});
