import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../src/command';
import { COMMANDS } from '../src/commands';

// The examples each command's --help prints, run verbatim by a shell (globs, redirections and all) with
// `mobilenet-kit` on PATH, in a folder holding the files they name. Commands whose examples need a trained
// model folder or a dataset (train …, evaluate …, classify, import, geolocate) are walked by
// commands-walk.test.ts (every example parses) and run for real by their own tests with small settings.

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const faceApiDemo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const shippedStudent = path.join(path.dirname(require.resolve('@mobilenet-kit/face/package.json')), 'models', 'embedding-student');

/** Each command whose examples run here, and what its examples may not (the first example of export only: the second exports a trained folder). */
const RUN: Record<string, (example: string) => boolean> = {
  summary: () => true,
  paper: () => true,
  detect: () => true,
  embed: () => true,
  match: () => true,
  attributes: () => true,
  export: (e) => !e.includes('run1/model'),
};

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (!existsSync(path.join(packageDir, 'dist', 'bin.js'))) throw new Error('apps/cli/dist/bin.js is missing: run `pnpm --filter @mobilenet-kit/cli build` first');
  dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-examples-'));
  const bin = path.join(dir, '.bin');
  mkdirSync(bin);
  symlinkSync(path.join(packageDir, 'bin', 'mobilenet-kit.js'), path.join(bin, 'mobilenet-kit'));
  env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
  // The files the examples name: photos with faces and a small group photo (the cpu example).
  for (const [name, sample] of [['photo.jpg', 1], ['a.jpg', 2], ['b.jpg', 3], ['group.jpg', 4]] as const) cpSync(path.join(faceApiDemo, `sample${sample}.jpg`), path.join(dir, name));
  const sharp = (await import('sharp')).default;
  await sharp(path.join(faceApiDemo, 'sample5.jpg')).resize(480).png().toFile(path.join(dir, 'group.png'));
  // A gallery: a folder per person, one photo each (its best face is the reference).
  for (const [person, sample] of [['ada', 2], ['bob', 3]] as const) {
    mkdirSync(path.join(dir, 'people', person), { recursive: true });
    cpSync(path.join(faceApiDemo, `sample${sample}.jpg`), path.join(dir, 'people', person, 'one.jpg'));
  }
  cpSync(shippedStudent, path.join(dir, 'my-student'), { recursive: true });
  // Calibration images for detect's int8 example: other photos than the one detected.
  mkdirSync(path.join(dir, 'other-photos'));
  for (const sample of [5, 6]) cpSync(path.join(faceApiDemo, `sample${sample}.jpg`), path.join(dir, 'other-photos', `sample${sample}.jpg`));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function examples(name: string): Promise<string[]> {
  const command: Command = await COMMANDS.find((c) => c.name === name)!.load();
  return (command.examples ?? []).filter(RUN[name]!);
}

describe('the examples of every command that needs only photos run as printed', () => {
  it('covers the commands it names, each with at least one example', async () => {
    for (const name of Object.keys(RUN)) {
      expect(COMMANDS.map((c) => c.name)).toContain(name);
      expect((await examples(name)).length, name).toBeGreaterThan(0);
    }
  });

  for (const name of Object.keys(RUN)) {
    it(`${name}: every example exits 0 and writes what it says`, async () => {
      for (const example of await examples(name)) {
        const r = spawnSync('sh', ['-c', example], { cwd: dir, env, encoding: 'utf8', timeout: 110_000 });
        expect(r.status, `${example}\n${r.stderr}`).toBe(0);
        expect(r.stderr, example).not.toMatch(/Error|Hi there|install our node backend/);
        const out = /--out (\S+)/.exec(example)?.[1] ?? /--save-gallery (\S+)/.exec(example)?.[1] ?? /> (\S+)/.exec(example)?.[1];
        if (out) expect(existsSync(path.join(dir, out)), `${example} wrote ${out}`).toBe(true);
        else expect(r.stdout.trim().length, example).toBeGreaterThan(0);
        if (out && example.includes('--out ') && !out.includes('.')) expect(readdirSync(path.join(dir, out)).length, out).toBeGreaterThan(0);
      }
    });
  }
});
