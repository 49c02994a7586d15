import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { execOrThrow, folderBytes, installConsumer, largestPackages, listPublishablePackages, type PackedPackage, packPackage, peerVersions, withOurDependencies, workspaceVersion } from '../src/index';

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

async function leanInstall(name: string, packages: readonly string[], extra: Record<string, string>): Promise<string> {
  const dir = path.join(work, name);
  const tarballs = path.join(work, `${name}-tarballs`);
  mkdirSync(dir);
  mkdirSync(tarballs);
  const chosen = withOurDependencies(all, packages);
  const packed: PackedPackage[] = await Promise.all(chosen.map((p) => packPackage(p.dir, tarballs)));
  await installConsumer(dir, packed, { ...peerVersions(chosen), ...extra });
  return dir;
}

describe('lean installs', () => {
  it('detect only: detection + wasm + sharp + face-api (for its weights) detects faces, without tfjs-layers', async () => {
    const dir = await leanInstall('detect', ['@mobilenet-kit/detection', '@mobilenet-kit/backend-wasm'], { sharp: workspaceVersion(root, 'sharp'), '@vladmandic/face-api': workspaceVersion(root, '@vladmandic/face-api') });
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
    const size = folderBytes(path.join(dir, 'node_modules'));
    console.log(`detect-only install: node_modules ${(size / 2 ** 20).toFixed(1)} MB; largest: ${largestPackages(path.join(dir, 'node_modules'), 6).join(', ')}`);
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
    const size = folderBytes(path.join(dir, 'node_modules'));
    console.log(`classify-only install: node_modules ${(size / 2 ** 20).toFixed(1)} MB; largest: ${largestPackages(path.join(dir, 'node_modules'), 6).join(', ')}`);
  }, 600_000);
});
