import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledPage, openBundledPage, requireChromium, serveStatic } from '../src/index';

const here = path.dirname(fileURLToPath(import.meta.url));

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chromium-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('requireChromium', () => {
  it('a missing binary fails naming the apt command', () => {
    expect(() => requireChromium('/nonexistent/chromium')).toThrow(
      'Chromium is not installed at /nonexistent/chromium: run `apt-get update && apt-get install -y chromium` (tooling/setup.sh does)',
    );
  });
});

describe('serveStatic', () => {
  it('serves files with COOP/COEP headers and content types, 404s the rest, and refuses paths outside the folder', async () => {
    const site = folderWith({ 'index.html': '<p>hi</p>', 'm/a.wasm': 'x' });
    const other = folderWith({ 'b.json': '{"b":1}' });
    const server = await serveStatic({ folders: { '/': site, '/data/': other } });
    try {
      const index = await fetch(`${server.url}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toBe('<p>hi</p>');
      expect(index.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(index.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect((await fetch(`${server.url}/m/a.wasm`)).headers.get('content-type')).toBe('application/wasm');
      expect(await (await fetch(`${server.url}/data/b.json`)).json()).toEqual({ b: 1 });
      expect((await fetch(`${server.url}/data/%2e%2e/${path.basename(site)}/index.html`)).status).toBe(404);
      expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
      expect(server.notFound).toContain('/missing.js');
    } finally {
      await server.close();
    }
  });

  it('a folder that does not exist is an error naming it', async () => {
    await expect(serveStatic({ folders: { '/x/': '/nonexistent/folder' } })).rejects.toThrow('serveStatic: folder for /x/ does not exist or is not a folder: /nonexistent/folder');
  });
});

describe('openBundledPage in headless Chromium', () => {
  let page: BundledPage;
  const extra = folderWith({ 'note.txt': 'served beside the bundle' });

  beforeAll(async () => {
    page = await openBundledPage({ entry: path.join(here, 'fixtures/page-entry.ts'), folders: { '/extra/': extra } });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('the page is cross-origin isolated and has WebGL 2 (SwiftShader)', async () => {
    const env = await page.call<{ crossOriginIsolated: boolean; sharedArrayBuffer: boolean; webgl2: boolean; renderer: string | null }>('environment');
    expect(env).toMatchObject({ crossOriginIsolated: true, sharedArrayBuffer: true, webgl2: true });
    expect(env.renderer).toBeTruthy();
  });

  it('calls async exports with arguments and returns their results; serves the extra folders', async () => {
    expect(await page.call('sum', [1, 2, 3.5])).toBe(6.5);
    expect(await page.call('fetchText', '/extra/note.txt')).toEqual({ status: 200, text: 'served beside the bundle' });
  });

  it('a lazy import() of a Node built-in stays out of the bundle', async () => {
    expect(await page.call('lazyBuiltin')).toBe('browser');
  });

  it('an export that throws rejects with its message; an unknown export names the exports', async () => {
    await expect(page.call('fail')).rejects.toThrow(/^fail\(\) in the page: .*failed on purpose/);
    await expect(page.call('nope')).rejects.toThrow('the entry exports no function "nope" (exports: environment, fail, fetchText, lazyBuiltin, logError, sum)');
  });

  it('collects console errors', async () => {
    await page.call('logError', 'something broke');
    expect(page.consoleErrors).toContain('console.error: something broke');
  });
});

it('an entry that throws while loading fails openBundledPage with its error', async () => {
  const dir = folderWith({ 'bad.ts': "throw new Error('broken at load');\nexport const x = 1;\n" });
  await expect(openBundledPage({ entry: path.join(dir, 'bad.ts') })).rejects.toThrow(/bad\.ts failed to load in the page: Error: broken at load/);
});
