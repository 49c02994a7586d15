// The hostile-input suite of the CLI: every command, given bad input of every kind (cases as data in
// hostile/cases.ts, one `it` each), fails with the exit code and a message naming what and where, and
// leaves every file it was given, and the output folders, as they were (nothing lost, nothing
// half-written). HOSTILE_COUNTS=1 prints the cases by command and category.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fashionMnistFiles } from '@mobilenet-kit/classification';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFakeFashionMnist } from './fashion-fixture';
import { hostileCases } from './hostile/cases';
import { countTable } from './hostile/count-table';
import { type HostileFixtures, writeDamagedDistillCaches, writeHostileFixtures } from './hostile/fixtures';
import type { HostileCase } from './hostile/cases';
import { runCli } from './run-cli';

const root = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-hostile-'));
let fx: HostileFixtures;
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  fx = await writeHostileFixtures(root);
  writeDamagedDistillCaches(fx);
  await writeFakeFashionMnist(fx.at('fashion'), 20, 10);
  // Importer fixtures from the kit's own exporters: a tfjs-layers folder (Teachable Machine's layout without
  // metadata.json) and a Keras .h5, then damaged copies.
  for (const [format, out] of [['tfjs-layers', 'tfjs-ok'], ['keras-h5', 'ok.h5']] as const) {
    const r = await runCli(['export', '--untrained', '--alpha', '0.25', '--resolution', '32', '--classes', '3', '--format', format, '--out', fx.at(out), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  }
  const h5 = readFileSync(fx.at('ok.h5'));
  writeFileSync(fx.at('truncated.h5'), h5.subarray(0, Math.floor(h5.length / 2)));
  await mkdir(fx.at('tfjs-short-bin'));
  writeFileSync(fx.at('tfjs-short-bin', 'model.json'), readFileSync(fx.at('tfjs-ok', 'model.json')));
  writeFileSync(fx.at('tfjs-short-bin', 'weights.bin'), readFileSync(fx.at('tfjs-ok', 'weights.bin')).subarray(0, 1000));
  await mkdir(fx.at('bad-idx'));
  for (const split of ['train', 'test'] as const) {
    const files = fashionMnistFiles(split);
    writeFileSync(fx.at('bad-idx', files.images), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    writeFileSync(fx.at('bad-idx', files.labels), Buffer.from([0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff]));
  }
}, 60_000);

/**
 * Every file under `dir` (FIFOs and folders by kind) with its size, modification time and inode: what a case
 * must leave as it was (a rewrite changes the time, an atomic replace the inode; cheaper than hashing every case).
 */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const s = lstatSync(p);
      if (s.isDirectory()) {
        out.set(p, 'folder');
        walk(p);
      } else if (s.isFile()) out.set(p, `${s.size}:${s.mtimeMs}:${s.ino}`);
      else out.set(p, s.isFIFO() ? 'fifo' : 'other');
    }
  };
  walk(dir);
  return out;
}

const cases = hostileCases();
const probe = process.env.HOSTILE_PROBE === '1';

describe('hostile input, every command (cases as data)', () => {
  it('has at least 150 cases, and a case for every command', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const { COMMANDS } = await import('../src/commands');
    const covered = new Set(cases.map((c) => c.command));
    for (const c of COMMANDS) expect(covered, c.name).toContain(c.name);
    if (process.env.HOSTILE_COUNTS === '1') console.log(countTable(cases));
  });

  const isRoot = process.getuid?.() === 0;
  const named = (list: HostileCase[]) => list.map((c) => [`${c.command}: ${c.what} [${c.category}]`, cases.indexOf(c)] as const);
  // Permission cases need a user that a chmod 000 file stops: under root (CI containers) they are skipped, and reported as such.
  it.skipIf(isRoot).each(named(cases.filter((c) => c.notAsRoot)))('%s', (_name, i) => runCase(i), 30_000);
  it.each(named(cases.filter((c) => !c.notAsRoot)))('%s', (_name, i) => runCase(i), 30_000);
});

/** Runs case `i` in-process and checks its exit code, its message, and that nothing under the fixture root changed. */
async function runCase(i: number): Promise<void> {
  const c = cases[i]!;
  const before = snapshot(root);
  const run = await runCli([...c.command.split(' '), ...c.args(fx)]);
  const after = snapshot(root);
  const stderr = typeof c.stderr === 'function' ? c.stderr(fx) : c.stderr;
  if (probe) {
    console.log(JSON.stringify({ case: `${c.command}: ${c.what}`, code: run.code, stderr: run.stderr.slice(0, 600), stdout: run.stdout.slice(0, 200), changed: [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k) }));
    return;
  }
  expect(run.code, run.stderr).toBe(c.code);
  expect(run.stderr).toMatch(stderr);
  // Never a bare engine error, nor a stack trace.
  expect(run.stderr).not.toMatch(/Maximum call stack|Invalid typed array length|Cannot read properties of|is not a function|^\s+at /m);
  expect(run.stderr).toMatch(new RegExp(`^mobilenet-kit ${c.command}`, 'm'));
  // Nothing lost, nothing half-written: every file under the fixture root (the pre-existing output folder included) is as it was, and nothing new is there.
  expect([...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k)).toEqual([]);
  expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
}
