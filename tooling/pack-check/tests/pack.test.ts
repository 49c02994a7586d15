import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binEntries,
  exec,
  exportEntries,
  exportedNames,
  installConsumer,
  listPublishablePackages,
  manifestTargets,
  type PackedPackage,
  packPackage,
  peerVersions,
  readManifest,
  undeclaredImports,
} from '../src/index';

/**
 * Packs every publishable package, installs the tarballs together in a
 * project outside the workspace, and imports each one from ESM and CJS the way
 * a user of the published packages would. Run after `pnpm build` (turbo does:
 * every publishable package is a devDependency of this one).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const packages = listPublishablePackages(root);

let work = '';
let consumerDir = '';
const packed = new Map<string, PackedPackage>();

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'mobilenet-kit-pack-check-'));
  if (!path.relative(root, work).startsWith('..')) throw new Error(`the temporary folder ${work} lies inside the workspace ${root}; set TMPDIR elsewhere`);
  const tarballs = path.join(work, 'tarballs');
  consumerDir = path.join(work, 'consumer');
  mkdirSync(tarballs);
  mkdirSync(consumerDir);
  const results = await Promise.all(packages.map((pkg) => packPackage(pkg.dir, tarballs)));
  for (const p of results) packed.set(p.name, p);
  await installConsumer(consumerDir, results, peerVersions(packages));
}, 300_000);

/** True when src/index.ts exports anything (a skeleton's `export {}` does not count). */
function sourceExportsSomething(packageDir: string): boolean {
  const index = path.join(packageDir, 'src', 'index.ts');
  if (!existsSync(index)) return false;
  return /^\s*export\s+(?!\{\s*\}\s*;?\s*$)/m.test(readFileSync(index, 'utf8'));
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it('finds the publishable packages', () => {
  expect(packages.map((p) => p.name)).toContain('@mobilenet-kit/core');
  for (const pkg of packages) expect(pkg.manifest.private).not.toBe(true);
});

it('lists every publishable package as a devDependency, so that turbo builds it before this test', () => {
  const own = readManifest(path.join(here, '..'));
  const missing = packages.map((p) => p.name).filter((name) => own.devDependencies?.[name] !== 'workspace:*');
  expect(missing, `add these to tooling/pack-check/package.json devDependencies as "workspace:*"`).toEqual([]);
});

describe.each(packages.map((p) => [p.name, p] as const))('%s', (name, pkg) => {
  it('packs every file its manifest points at, and its README', () => {
    const files = packed.get(name)?.files ?? [];
    const missing = [...manifestTargets(pkg.manifest), 'README.md'].filter((f) => !files.includes(f));
    const unbuilt = missing.filter((f) => !existsSync(path.join(pkg.dir, f)));
    const hint = unbuilt.length > 0 ? `; not in ${pkg.dir} either: ${unbuilt.join(', ')} (not built, or not written yet?)` : '';
    expect(missing, `files missing from the ${name} tarball (it holds: ${files.join(', ')})${hint}`).toEqual([]);
  });

  it('declares every package its built code imports', () => {
    const installedDir = path.join(consumerDir, 'node_modules', name);
    const files = (packed.get(name)?.files ?? [])
      .filter((f) => /\.(c|m)?js$/.test(f))
      .map((f) => ({ path: f, code: readFileSync(path.join(installedDir, f), 'utf8') }));
    const installed = JSON.parse(readFileSync(path.join(installedDir, 'package.json'), 'utf8'));
    expect(undeclaredImports(installed, files), `imports missing from ${name}'s dependencies / peerDependencies`).toEqual({});
  });

  it('has no workspace: ranges left in the packed manifest', () => {
    const installed = JSON.parse(readFileSync(path.join(consumerDir, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, unknown>;
    const text = JSON.stringify([installed.dependencies, installed.peerDependencies, installed.optionalDependencies]);
    expect(text).not.toContain('workspace:');
  });

  for (const entry of exportEntries(pkg.manifest)) {
    it(`imports ${entry.specifier} from ESM with the same exports as the workspace build`, async () => {
      const inWorkspace = await exportedNames(pkg.dir, entry.specifier, 'esm');
      const installed = await exportedNames(consumerDir, entry.specifier, 'esm');
      expect(installed).toEqual(inWorkspace);
      // A skeleton whose index is only `export {}` just has to load; once the source exports something, so must the package.
      if (entry.subpath === '.' && sourceExportsSomething(pkg.dir)) expect(installed.length).toBeGreaterThan(0);
    });

    if (!entry.requirable) continue;
    it(`requires ${entry.specifier} from CJS with the same exports as from ESM`, async () => {
      const esm = await exportedNames(consumerDir, entry.specifier, 'esm');
      const cjs = await exportedNames(consumerDir, entry.specifier, 'cjs');
      expect(cjs).toEqual(esm);
    });
  }

  const bins = Object.entries(binEntries(pkg.manifest));
  if (bins.length === 0) return;
  it('installs its commands, which start and print usage', async () => {
    for (const [command] of bins) {
      const link = path.join(consumerDir, 'node_modules', '.bin', command);
      expect(existsSync(link), `${link} (npm's link to the "${command}" bin)`).toBe(true);
      const run = await exec(link, ['--help'], { cwd: consumerDir, timeoutMs: 60_000 });
      expect(run.exitCode, `${command} --help: ${run.stderr}`).toBe(0);
      expect(`${run.stdout}${run.stderr}`).toContain(command);
    }
  });
});
