import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, launchChromium, serveStatic, type StaticServer, watchConsoleErrors } from '@mobilenet-kit/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOrThrow, listPublishablePackages, npmInstall, packPackage, withOurDependencies } from '../src/index';

/**
 * The starters in examples/, installed as their READMEs say but outside the
 * workspace: each package.json names our packages by npm version; here they
 * come from their packed tarballs (dependencies and overrides point at them),
 * everything else from the registry as for any user.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'mobilenet-kit-starter-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Copies examples/<name> to a temporary folder, points its dependencies on our packages at their tarballs and runs npm install. */
async function installStarter(name: string): Promise<string> {
  const app = path.join(work, name);
  cpSync(path.join(root, 'examples', name), app, { recursive: true, filter: (src) => !/node_modules|[/\\](dist|public)$/.test(src) });
  const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; overrides?: Record<string, string> };
  const ours = Object.keys(manifest.dependencies).filter((d) => d.startsWith('@mobilenet-kit/'));
  const tarballs = path.join(work, `${name}-tarballs`);
  mkdirSync(tarballs);
  const packed = await Promise.all(withOurDependencies(listPublishablePackages(root), ours).map((p) => packPackage(p.dir, tarballs)));
  const files = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  for (const d of ours) manifest.dependencies[d] = files[d]!;
  manifest.overrides = files;
  writeFileSync(path.join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await npmInstall(app, 300_000);
  return app;
}

let app = '';
beforeAll(async () => {
  app = await installStarter('node-starter');
  // The files its README's commands name: photos from face-api's demo, a gallery of two people, a classifier folder.
  const demo = path.join(app, 'node_modules', '@vladmandic', 'face-api', 'demo');
  for (const [person, sample] of [['ada', 2], ['bob', 3]] as const) {
    mkdirSync(path.join(app, 'people', person), { recursive: true });
    cpSync(path.join(demo, `sample${sample}.jpg`), path.join(app, 'people', person, 'one.jpg'));
  }
  cpSync(path.join(demo, 'sample1.jpg'), path.join(app, 'photo.jpg'));
  cpSync(path.join(demo, 'sample2.jpg'), path.join(app, 'group.jpg'));
  writeFileSync(
    path.join(app, 'make-model.mjs'),
    `import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead } from '@mobilenet-kit/classification';
import { saveModel } from '@mobilenet-kit/core/node';
const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 96, includeTop: false }), { classes: 3, labels: ['cat', 'dog', 'bird'] });
await saveModel('pets/model', head.graph, initializeWeights(head.graph, { seed: 1 }), { metadata: head.metadata });
`,
  );
  await execOrThrow(process.execPath, ['make-model.mjs'], { cwd: app, timeoutMs: 60_000 });
}, 600_000);

const run = (args: string[]) => execOrThrow(process.execPath, ['index.mjs', ...args], { cwd: app, timeoutMs: 180_000 });

describe('examples/node-starter, installed from the tarballs', () => {
  it('finds and embeds the faces of a photo', async () => {
    const r = await run(['photo.jpg']);
    expect(r.stdout).toMatch(/^photo\.jpg: 1920×1280, 3 faces$/m);
    expect(r.stdout.match(/descriptor 128-d/g)).toHaveLength(3);
    expect(r.stderr).not.toMatch(/install our node backend/);
  });

  it('names the faces against a gallery: the gallery photo face as its person, every face a name or unknown', async () => {
    // group.jpg is ada's gallery photo (sample2); its other faces are someone else or unknown.
    const r = await run(['group.jpg', '--gallery', 'people']);
    const faces = r.stdout.split('\n').filter((l) => l.startsWith('  face'));
    expect(faces).toHaveLength(3);
    for (const f of faces) expect(f).toMatch(/^ {2}face (ada|bob|unknown) /);
    expect(faces.filter((f) => f.startsWith('  face ada '))).toHaveLength(1);
  });

  it('classifies the photo with a model folder', async () => {
    const r = await run(['photo.jpg', '--model', 'pets/model']);
    expect(r.stdout).toMatch(/classified: (cat|dog|bird) [\d.]+%, (cat|dog|bird) [\d.]+%, (cat|dog|bird) [\d.]+%/);
  });

  it('prints its usage without a photo (exit 2)', async () => {
    await expect(run([])).rejects.toThrow(/usage: node index\.mjs <photo>/);
  });
});

describe('examples/browser-starter, installed from the tarballs, built with Vite, in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  beforeAll(async () => {
    const dir = await installStarter('browser-starter');
    await execOrThrow('npm', ['run', 'build', '--silent'], { cwd: dir, timeoutMs: 300_000 });
    server = await serveStatic({ folders: { '/': path.join(dir, 'dist') } });
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const backend of ['wasm', 'webgl'] as const) {
    it(`detects the sample's faces on ${backend}, cross-origin isolated, with no page error`, async () => {
      const page = await browser.newPage();
      const errors = watchConsoleErrors(page);
      try {
        await page.goto(`${server.url}/?backend=${backend}`);
        await page.waitForFunction(() => document.body.dataset.faces !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 120_000 });
        const data = await page.evaluate(() => ({ ...document.body.dataset }));
        expect(data.error).toBeUndefined();
        expect(Number(data.faces)).toBe(3);
        expect(data.backend).toBe(backend);
        expect(data.isolated).toBe('true');
        expect(await page.textContent('#status')).toMatch(new RegExp(`^3 faces in \\d+ ms on ${backend}`));
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 180_000);
  }
});
