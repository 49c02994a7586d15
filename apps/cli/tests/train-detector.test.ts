import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodePng } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

// A COCO instances file over PNGs of red and blue squares on grey (two classes).
const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-train-detector-'));
const coco = path.join(dir, 'instances.json');
const out = path.join(dir, 'run');
const size = 64;

async function squareImage(k: number): Promise<{ file: string; boxes: { x: number; y: number; w: number; h: number; c: number }[] }> {
  const data = new Uint8Array(size * size * 3).fill(128);
  const c = (k % 2) + 1;
  const w = 20 + (k % 3) * 6;
  const x = 4 + ((k * 7) % (size - w - 8));
  const y = 4 + ((k * 11) % (size - w - 8));
  for (let yy = y; yy < y + w; yy++) for (let xx = x; xx < x + w; xx++) data.set(c === 1 ? [220, 30, 30] : [30, 30, 220], (yy * size + xx) * 3);
  const file = `img${k}.png`;
  writeFileSync(path.join(dir, file), await encodePng({ width: size, height: size, data }));
  return { file, boxes: [{ x, y, w, h: w, c }] };
}

beforeAll(async () => {
  const images = await Promise.all(Array.from({ length: 8 }, (_, k) => squareImage(k)));
  writeFileSync(
    coco,
    JSON.stringify({
      images: images.map((im, i) => ({ id: i + 1, file_name: im.file, width: size, height: size })),
      annotations: images.flatMap((im, i) => im.boxes.map((b, j) => ({ id: i * 10 + j + 1, image_id: i + 1, category_id: b.c, bbox: [b.x, b.y, b.w, b.h], area: b.w * b.h, iscrowd: 0 }))),
      categories: [{ id: 1, name: 'red' }, { id: 2, name: 'blue' }],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mobilenet-kit train detector / evaluate detector / detect --model', () => {
  it('trains on a COCO file, checkpoints, resumes, and writes a detector folder, report and charts', async () => {
    const common = [coco, '--out', out, '--alpha', '0.25', '--resolution', '64', '--batch-size', '4', '--val-split', '0.25', '--backend', 'wasm', '--no-augment'];
    const first = await runCli(['train', 'detector', ...common, '--epochs', '1']);
    expect(first.stderr).toMatch(/6 training images, 2 held out, 2 classes/);
    // The head reads conv_pw_5 (stride 8) by default: at 64 px, 8×8 … grids (TF-OD's conv_pw_11/13 head: 4×4, 2×2, 1×1 …).
    expect(first.stderr).toMatch(/head on conv_pw_5, conv_pw_11, conv_pw_13/);
    expect(first.stderr).toMatch(/\d+ anchors on 8×8, 4×4, 2×2, 1×1, 1×1, 1×1 grids; \d+ of 6 training objects \(\d+%\) have an anchor at IoU ≥ 0\.5/);
    expect(first.stderr).toMatch(/learning rate 0\.001; batch norm train;/);
    expect(first.code).toBe(0);
    expect(existsSync(path.join(out, 'checkpoint'))).toBe(true);
    const again = await runCli(['train', 'detector', ...common, '--epochs', '1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/holds a checkpoint: pass --resume/);
    const resumed = await runCli(['train', 'detector', ...common, '--epochs', '2', '--resume']);
    expect(resumed.stderr).toMatch(/resuming after epoch 1/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/mAP@0\.5 \(VOC, all-point\): \d\.\d{4}/);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as { history: { epoch: number; loss: number }[]; validation: { mAP50: number } };
    expect(report.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(report.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(report.validation.mAP50).toBeGreaterThanOrEqual(0);
    for (const f of ['model/model.json', 'pr-curves.png', 'samples.png']) expect(existsSync(path.join(out, f)), f).toBe(true);
  }, 300_000);

  it('scores the folder on a dataset (--json) and detects with it', async () => {
    const r = await runCli(['evaluate', 'detector', out, coco, '--json', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as { mAP50: number; mAP: number; perClass: Record<string, number | null> };
    expect(Object.keys(e.perClass)).toEqual(['red', 'blue']);
    expect(e.mAP50).toBeGreaterThanOrEqual(0);
    expect(e.mAP50).toBeLessThanOrEqual(1);
    const charts = path.join(dir, 'eval', 'nested');
    const c = await runCli(['evaluate', 'detector', out, coco, '--out', charts, '--backend', 'wasm']);
    expect(c.code, c.stderr).toBe(0);
    for (const f of ['pr-curves.png', 'samples.png']) expect(existsSync(path.join(charts, f)), f).toBe(true);
    const d = await runCli(['detect', path.join(dir, 'img0.png'), '--model', path.join(out, 'model'), '--backend', 'wasm', '--min-score', '0', '--max-results', '3']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/detector: .*model \(red, blue\)/);
  }, 120_000);

  it('fine-tunes a detector folder (--init) at a 10× lower default learning rate, --freeze-backbone; --taps picks the head; bad --taps are refused', async () => {
    const tuned = await runCli(['train', 'detector', coco, '--init', path.join(out, 'model'), '--out', path.join(dir, 'tuned'), '--epochs', '1', '--batch-size', '4', '--val-split', '0.25', '--backend', 'wasm', '--no-augment', '--freeze-backbone']);
    expect(tuned.code).toBe(0);
    expect(tuned.stderr).toMatch(/init detector folder .*; learning rate 0\.0001; batch norm frozen; backbone frozen;/);
    const tfod = await runCli(['train', 'detector', coco, '--taps', 'conv_pw_11,conv_pw_13', '--alpha', '0.25', '--resolution', '64', '--out', path.join(dir, 'tfod'), '--epochs', '1', '--batch-size', '4', '--val-split', '0.25', '--backend', 'wasm', '--no-augment', '--max-expand', '1']);
    expect(tfod.code).toBe(0);
    expect(tfod.stderr).toMatch(/anchors on 4×4, 2×2, 1×1, 1×1, 1×1, 1×1 grids/);
    for (const bad of ['conv_pw_11', 'conv_pw_13,conv_pw_11', 'conv_pw_5,conv_dw_9,conv_pw_13']) {
      const r = await runCli(['train', 'detector', coco, '--taps', bad, '--out', path.join(dir, 'bad-taps'), '--backend', 'wasm']);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--taps/);
    }
  }, 300_000);

  it('names what is missing in a bad dataset', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ images: [{ id: 1, file_name: 'nowhere.png', width: 64, height: 64 }], annotations: [], categories: [{ id: 1, name: 'x' }] }));
    const r = await runCli(['train', 'detector', bad, '--out', path.join(dir, 'bad-run'), '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nowhere\.png/);
    expect(r.stderr).toMatch(/0 usable images; at least 2 are needed/);
  });
});
