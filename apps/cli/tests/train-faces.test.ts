import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const SAMPLE1 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-train-faces-'));
  // Labeled folders: each face of sample1 is a person; their photos are cuts of 2, 2.5 and 3 times the face box.
  const embed = await runCli(['embed', SAMPLE1, '--json']);
  expect(embed.code, embed.stderr).toBe(EXIT_OK);
  const faces = JSON.parse(embed.stdout).images[0].faces as { box: { x: number; y: number; width: number; height: number } }[];
  const sharp = (await import('sharp')).default;
  const meta = await sharp(SAMPLE1).metadata();
  for (const [i, { box }] of faces.entries()) {
    mkdirSync(path.join(dir, 'people', `person${i}`), { recursive: true });
    for (const k of [2, 2.5, 3]) {
      const left = Math.max(0, Math.round(box.x + box.width / 2 - (k * box.width) / 2));
      const top = Math.max(0, Math.round(box.y + box.height / 2 - (k * box.height) / 2));
      const width = Math.min(meta.width! - left, Math.round(box.width * k));
      const height = Math.min(meta.height! - top, Math.round(box.height * k));
      await sharp(SAMPLE1).extract({ left, top, width, height }).png().toFile(path.join(dir, 'people', `person${i}`, `cut-${k}.png`));
    }
  }
  mkdirSync(path.join(dir, 'alone', 'only'), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('train faces: triplet training on labeled folders, checkpoint, resume, a model embed can use', async () => {
  const out = path.join(dir, 'run');
  const args = ['train', 'faces', path.join(dir, 'people'), '--out', out, '--alpha', '0.25', '--people-per-batch', '3', '--crops-per-person', '2'];
  const first = await runCli([...args, '--epochs', '1']);
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(EXIT_OK);
  expect(first.stdout).toMatch(/3 people, 6 training faces, 3 held out, 0 photos skipped/);
  expect(first.stdout).toMatch(/identification of 3 held-out photos before training: [\d.]+%/);
  expect(first.stdout).toMatch(/epoch 1: triplet loss [\d.]+/);
  expect(existsSync(path.join(out, 'checkpoint.mkc'))).toBe(true);
  expect((await runCli([...args, '--epochs', '1'])).code).toBe(EXIT_USAGE);
  const resumed = await runCli([...args, '--epochs', '2', '--resume']);
  expect(resumed.code, resumed.stderr).toBe(EXIT_OK);
  expect(resumed.stdout).toMatch(/resuming after epoch 1 of 2/);
  expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).history).toHaveLength(2);
  const embed = await runCli(['embed', '--model', path.join(out, 'model'), SAMPLE1, '--json']);
  expect(embed.code, embed.stderr).toBe(EXIT_OK);
}, 300_000);

it('train faces: fewer than two people is a clear failure', async () => {
  const run = await runCli(['train', 'faces', path.join(dir, 'alone'), '--out', path.join(dir, 'alone-run'), '--alpha', '0.25']);
  expect(run.code).toBe(EXIT_FAILURE);
  expect(run.stderr).toMatch(/0 person with a face; the triplet loss needs at least two people/);
});
