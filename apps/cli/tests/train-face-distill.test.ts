import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const DEMO = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-face-distill-'));
  // A small photo folder laid out as fetch-face-photos.sh lays it out (only face-api's first two samples).
  mkdirSync(path.join(dir, 'faces', 'face-api'), { recursive: true });
  for (const f of ['sample1.jpg', 'sample2.jpg']) copyFileSync(path.join(DEMO, f), path.join(dir, 'faces', 'face-api', f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('train face-distill: trains a tiny student, checkpoints, resumes, and writes a model that embed can use', async () => {
  const out = path.join(dir, 'run');
  const args = ['train', 'face-distill', '--data', path.join(dir, 'faces'), '--out', out, '--alpha', '0.25', '--resolution', '128', '--views', '1', '--held-out-views', '1', '--held-out', '0.5', '--batch-size', '8', '--low-res-views', '1', '--mixup-views', '1', '--warmup-epochs', '0.5', '--train-from-block', '12'];
  const first = await runCli([...args, '--epochs', '1']);
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(EXIT_OK);
  expect(first.stdout).toMatch(/data: 2 photos \(2 with faces\), \d+ faces/);
  expect(first.stdout).toMatch(/data: \d+ extra training views \(reduced to 25×25 gray\)/);
  expect(first.stdout).toMatch(/data: \d+ extra training views \(mixup, another face blended in at a weight below 0\.5\)/);
  expect(first.stdout).toMatch(/head fitted by ridge regression/);
  expect(first.stdout).toMatch(/epoch 1: loss [\d.]+ .*checkpoint/);
  expect(first.stderr).toMatch(/epoch 1\/1 batch \d+\/\d+ +[\d.]+ samples\/s +loss [\d.]+ .*ETA/);
  expect(first.stdout).toMatch(/agreement with the teacher/);
  expect(existsSync(path.join(out, 'checkpoint.mkc'))).toBe(true);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  expect(report.history).toHaveLength(1);
  // --mirror defaults to canonical: the run, its report and its model folder say so (embed then mirrors crops as in training).
  expect(first.stdout).toMatch(/training face_student_0\.25_128 .*mirror canonical/);
  expect(report.mirror).toBe('canonical');
  expect(JSON.parse(readFileSync(path.join(out, 'model', 'model.json'), 'utf8')).metadata.faceEmbedder.mirror).toBe('canonical');
  expect(report.evaluation.teacher.curve.length).toBeGreaterThan(0);

  // A checkpoint is there: starting over needs --force, continuing needs --resume.
  const refused = await runCli([...args, '--epochs', '1']);
  expect(refused.code).toBe(EXIT_USAGE);
  expect(refused.stderr).toMatch(/checkpoint\.mkc exists; pass --resume to continue it, --force to start over/);
  const resumed = await runCli([...args, '--epochs', '2', '--resume']);
  expect(resumed.code, resumed.stderr).toBe(EXIT_OK);
  expect(resumed.stdout).toMatch(/data: .*\(cached\)/);
  // The extra views are in the cache: not added twice.
  expect(resumed.stdout).not.toMatch(/extra training views/);
  expect(resumed.stdout).toMatch(/resuming after epoch 1 of 2.*mirror canonical/);
  expect(resumed.stdout).not.toMatch(/epoch 1: loss/);
  expect(resumed.stdout).toMatch(/epoch 2: loss/);
  expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).history).toHaveLength(2);

  const embed = await runCli(['embed', '--model', path.join(out, 'model'), path.join(DEMO, 'sample1.jpg'), '--json']);
  expect(embed.code, embed.stderr).toBe(EXIT_OK);
  const faces = JSON.parse(embed.stdout).images[0].faces as { descriptor: number[] }[];
  expect(faces.length).toBeGreaterThan(0);
  expect(Math.hypot(...faces[0]!.descriptor)).toBeCloseTo(1, 4);
}, 300_000);

it('train face-distill: a folder without photos is a clear failure, --resume with --force a usage error', async () => {
  const empty = path.join(dir, 'empty');
  mkdirSync(empty);
  const run = await runCli(['train', 'face-distill', '--data', empty, '--out', path.join(dir, 'empty-run')]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/no face photos in .*empty.*run tooling\/fixtures\/fetch-face-photos\.sh or pass --data/);
  const both = await runCli(['train', 'face-distill', '--resume', '--force', '--out', path.join(dir, 'x')]);
  expect(both.code).toBe(EXIT_USAGE);
  expect(both.stderr).toMatch(/--resume and --force contradict/);
});
