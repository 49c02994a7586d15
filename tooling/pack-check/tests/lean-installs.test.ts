import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { execOrThrow, installConsumer, listPublishablePackages, type PackedPackage, packPackage, peerVersions, type WorkspacePackage } from '../src/index';

/**
 * What an app that only detects, or only classifies, installs: the packages
 * it needs (and ours that they depend on) from their tarballs, their required
 * peers, nothing else — tfjs-layers is an optional peer, needed only to
 * train. Each install runs its task from a script, and its node_modules is
 * measured (the figures go to the README).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const all = listPublishablePackages(root);
const work = mkdtempSync(path.join(os.tmpdir(), 'mobilenet-kit-lean-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The named packages and every package of ours they depend on. */
function closure(names: readonly string[]): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const out = new Map<string, WorkspacePackage>();
  const visit = (name: string) => {
    const pkg = byName.get(name);
    if (!pkg || out.has(name)) return;
    out.set(name, pkg);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...out.values()];
}

/** Bytes under a folder (files only, links not followed). */
function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += du(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** node_modules' top-level packages (scopes opened), largest first. */
function largest(nodeModules: string, count: number): string {
  const sizes: [string, number][] = [];
  for (const e of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const p = path.join(nodeModules, e.name);
    if (e.name.startsWith('@')) for (const s of readdirSync(p, { withFileTypes: true })) sizes.push([`${e.name}/${s.name}`, du(path.join(p, s.name))]);
    else sizes.push([e.name, du(p)]);
  }
  return sizes
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([n, s]) => `${n} ${(s / 2 ** 20).toFixed(1)} MB`)
    .join(', ');
}

async function leanInstall(name: string, packages: readonly string[], extra: Record<string, string>): Promise<string> {
  const dir = path.join(work, name);
  const tarballs = path.join(work, `${name}-tarballs`);
  mkdirSync(dir);
  mkdirSync(tarballs);
  const chosen = closure(packages);
  const packed: PackedPackage[] = await Promise.all(chosen.map((p) => packPackage(p.dir, tarballs)));
  await installConsumer(dir, packed, { ...peerVersions(chosen), ...extra });
  return dir;
}

/** The version of a package the workspace tests against (the CLI's copy; pnpm links it under apps/cli/node_modules). */
const workspaceVersion = (pkg: string) => (JSON.parse(readFileSync(path.join(root, 'apps', 'cli', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

describe('lean installs', () => {
  it('detect only: detection + wasm + sharp + face-api (for its weights) detects faces, without tfjs-layers', async () => {
    const dir = await leanInstall('detect', ['@mobilenet-kit/detection', '@mobilenet-kit/backend-wasm'], { sharp: workspaceVersion('sharp'), '@vladmandic/face-api': workspaceVersion('@vladmandic/face-api') });
    expect(existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-layers'))).toBe(false);
    writeFileSync(
      path.join(dir, 'detect.mjs'),
      `import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { loadFaceDetector } from '@mobilenet-kit/detection';
registerWasmBackend({ threads: 1 });
const detector = await loadFaceDetector({ backend: 'wasm' });
const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
const faces = await detector.detect(demo);
detector.dispose();
console.log(JSON.stringify(faces.map((f) => f.score)));
`,
    );
    const run = await execOrThrow(process.execPath, ['detect.mjs'], { cwd: dir, timeoutMs: 120_000 });
    const scores = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as number[];
    expect(scores.length).toBeGreaterThanOrEqual(3);
    const size = du(path.join(dir, 'node_modules'));
    console.log(`detect-only install: node_modules ${(size / 2 ** 20).toFixed(1)} MB; largest: ${largest(path.join(dir, 'node_modules'), 6)}`);
  }, 600_000);

  it('classify only: classification + wasm classifies a picture, without tfjs-layers', async () => {
    const dir = await leanInstall('classify', ['@mobilenet-kit/classification', '@mobilenet-kit/backend-wasm'], {});
    expect(existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-layers'))).toBe(false);
    writeFileSync(
      path.join(dir, 'classify.mjs'),
      `import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { classifierHead, classify, createClassifier } from '@mobilenet-kit/classification';
registerWasmBackend({ threads: 1 });
const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 96, includeTop: false }), { classes: 3, labels: ['cat', 'dog', 'bird'] });
const classifier = await createClassifier(head.graph, initializeWeights(head.graph, { seed: 1 }), head.metadata, { backend: 'wasm' });
const image = { width: 96, height: 96, data: new Uint8Array(96 * 96 * 3).map((_, i) => i % 251) };
const top = await classify(classifier, image, { topK: 3 });
classifier.dispose();
console.log(JSON.stringify(top.map((p) => p.label)));
`,
    );
    const run = await execOrThrow(process.execPath, ['classify.mjs'], { cwd: dir, timeoutMs: 120_000 });
    expect((JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[]).sort()).toEqual(['bird', 'cat', 'dog']);
    const size = du(path.join(dir, 'node_modules'));
    console.log(`classify-only install: node_modules ${(size / 2 ** 20).toFixed(1)} MB; largest: ${largest(path.join(dir, 'node_modules'), 6)}`);
  }, 600_000);
});
