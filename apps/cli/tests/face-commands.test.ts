import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_FACE_DISTANCE_THRESHOLD } from '@mobilenet-kit/face';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const SAMPLE1 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface EmbedJson {
  model: string;
  images: ({ file: string; faces: { box: Box; score: number; descriptor: number[] }[] } | { file: string; error: string })[];
}
interface MatchJson {
  gallery: { people: string[]; references: number; threshold: number };
  images: { file: string; faces: { box: Box; label: string; distance: number }[] }[];
}

let dir: string;
let faces: { box: Box; descriptor: number[] }[];

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-face-'));
  const run = await runCli(['embed', SAMPLE1, '--json']);
  expect(run.code, run.stderr).toBe(EXIT_OK);
  faces = ((JSON.parse(run.stdout) as EmbedJson).images[0] as { faces: typeof faces }).faces;
  // A gallery: two people, each one photo cut from sample1 around their face (twice the box, so the detector finds it).
  const sharp = (await import('sharp')).default;
  const meta = await sharp(SAMPLE1).metadata();
  for (const [i, person] of ['ada', 'bob'].entries()) {
    const { box } = faces[i]!;
    const left = Math.max(0, Math.round(box.x - box.width / 2));
    const top = Math.max(0, Math.round(box.y - box.height / 2));
    const width = Math.min(meta.width! - left, Math.round(box.width * 2));
    const height = Math.min(meta.height! - top, Math.round(box.height * 2));
    mkdirSync(path.join(dir, 'gallery', person), { recursive: true });
    await sharp(SAMPLE1).extract({ left, top, width, height }).png().toFile(path.join(dir, 'gallery', person, 'one.png'));
  }
  writeFileSync(path.join(dir, 'gallery', 'bob', 'notes.txt'), 'not a photo\n');
  await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(path.join(dir, 'grey.png'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mobilenet-kit embed', () => {
  it('prints a 128-d descriptor per face with --json', () => {
    expect(faces.length).toBeGreaterThanOrEqual(2);
    for (const f of faces) {
      expect(f.descriptor.length).toBe(128);
      expect(f.descriptor.every(Number.isFinite)).toBe(true);
    }
  });

  it('lists no face for a face-less image, reports an unreadable file and exits 1', async () => {
    const bad = path.join(dir, 'gallery', 'bob', 'notes.txt');
    const run = await runCli(['embed', path.join(dir, 'grey.png'), bad]);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.stdout).toMatch(/grey\.png \(80×60\): 0 faces/);
    expect(run.stderr).toMatch(/notes\.txt/);
  });

  it('refuses a --model folder that is not a model, naming it', async () => {
    const run = await runCli(['embed', SAMPLE1, '--model', path.join(dir, 'gallery')]);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.stderr).toMatch(/mobilenet-kit embed: .*gallery/);
  });
});

describe('mobilenet-kit match', () => {
  it('names the gallery people in the photo (folder gallery), saves the gallery, and reads it back', async () => {
    const saved = path.join(dir, 'gallery.json');
    const run = await runCli(['match', '--gallery', path.join(dir, 'gallery'), '--save-gallery', saved, SAMPLE1, '--json']);
    expect(run.code, run.stderr).toBe(EXIT_OK);
    expect(run.stderr).toMatch(/gallery: skipped .*notes\.txt/);
    const out = JSON.parse(run.stdout) as MatchJson;
    expect(out.gallery).toEqual({ people: ['ada', 'bob'], references: 2, threshold: DEFAULT_FACE_DISTANCE_THRESHOLD });
    const labelAt = (o: MatchJson, box: Box) => o.images[0]!.faces.find((f) => Math.abs(f.box.x - box.x) < 4 && Math.abs(f.box.y - box.y) < 4)!.label;
    expect(labelAt(out, faces[0]!.box)).toBe('ada');
    expect(labelAt(out, faces[1]!.box)).toBe('bob');
    const again = JSON.parse((await runCli(['match', '--gallery', saved, SAMPLE1, '--json'])).stdout) as MatchJson;
    expect(again.images).toEqual(out.images);
  });

  it('saves a binary gallery file (a name not ending in .json) that matches like the JSON one; --threshold applies to it; a cut file is refused', async () => {
    const binary = path.join(dir, 'people.gallery');
    const save = await runCli(['match', '--gallery', path.join(dir, 'gallery.json'), '--save-gallery', binary]);
    expect(save.code, save.stderr).toBe(EXIT_OK);
    expect(readFileSync(binary).subarray(0, 8).toString('latin1')).toBe('MKGALLRY');
    const fromJson = JSON.parse((await runCli(['match', '--gallery', path.join(dir, 'gallery.json'), SAMPLE1, '--json'])).stdout) as MatchJson;
    const fromBinary = JSON.parse((await runCli(['match', '--gallery', binary, SAMPLE1, '--json'])).stdout) as MatchJson;
    expect(fromBinary.gallery).toEqual(fromJson.gallery);
    expect(fromBinary.images).toEqual(fromJson.images);
    const strict = JSON.parse((await runCli(['match', '--gallery', binary, SAMPLE1, '--json', '--threshold', '0.0001'])).stdout) as MatchJson;
    expect(strict.gallery.threshold).toBe(0.0001);
    expect(strict.images[0]!.faces.every((f) => f.label === 'unknown')).toBe(true);
    const cut = path.join(dir, 'cut.gallery');
    writeFileSync(cut, readFileSync(binary).subarray(0, 200));
    const run = await runCli(['match', '--gallery', cut, SAMPLE1]);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.stderr).toMatch(/^mobilenet-kit match: .*cut\.gallery: is 200 bytes long, but its header promises 2 references of 128 values \(\d+ bytes\): truncated/m);
  });

  it('refuses a gallery file that is not JSON or has vectors of the wrong length, and a missing --gallery', async () => {
    const notJson = path.join(dir, 'broken.json');
    writeFileSync(notJson, '{"format": "mobilenet-kit-face-matcher", ');
    let run = await runCli(['match', '--gallery', notJson, SAMPLE1]);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.stderr).toMatch(/broken\.json: not valid JSON/);
    const short = path.join(dir, 'short.json');
    const doc = JSON.parse(readFileSync(path.join(dir, 'gallery.json'), 'utf8'));
    doc.labels[0].descriptors[0] = doc.labels[0].descriptors[0].slice(0, 64);
    writeFileSync(short, JSON.stringify(doc));
    run = await runCli(['match', '--gallery', short, SAMPLE1]);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.stderr).toMatch(/short\.json: labels\[0\]\.descriptors\[0\] \(label "ada"\) has 64 values, expected 128/);
    run = await runCli(['match', SAMPLE1]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/--gallery is required/);
  });
});
