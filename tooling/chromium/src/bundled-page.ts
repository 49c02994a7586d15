import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundleForBrowser } from './bundle';
import { watchConsoleErrors } from './console-errors';
import { launchChromium } from './launch';
import { type StaticServer, serveStatic } from './static-server';

export interface BundledPageOptions {
  /** The TS/JS module to bundle and load; each function it exports can be called with `call(name, …args)`. */
  readonly entry: string;
  /** More folders to serve, URL prefix → folder (e.g. `{ '/wasm/': '…/tfjs-backend-wasm/dist' }`); `/` is the bundle's. */
  readonly folders?: Readonly<Record<string, string>>;
  /** A browser to open the page in; default: a new one from launchChromium(), closed by close(). */
  readonly browser?: Browser;
  /** esbuild `define`s for the bundle. */
  readonly define?: Readonly<Record<string, string>>;
  /** How long the entry module may take to load, top-level awaits included (default 60 000 ms). */
  readonly loadTimeoutMs?: number;
}

export interface BundledPage {
  readonly page: Page;
  /** The origin the page is served from, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** console.error messages, uncaught errors and failed requests of the page, as they happen. */
  readonly consoleErrors: readonly string[];
  /** Paths the page asked for that the server did not have. */
  readonly notFound: readonly string[];
  /** Calls an exported function of the entry in the page (awaiting it) and returns its result, which must be serializable (plain JSON). */
  call<T = unknown>(name: string, ...args: unknown[]): Promise<T>;
  /** Closes the page, the server and (if this opened it) the browser, and removes the bundle. */
  close(): Promise<void>;
}

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>mobilenet-kit bundled page</title></head>
<body>
<script type="module">
  try {
    window.__bundle = { exports: await import('/entry.js') };
  } catch (e) {
    window.__bundle = { error: String((e && e.stack) || e) };
  }
</script>
</body></html>
`;

/**
 * Bundles `entry` for the browser, serves it (with COOP/COEP headers, so the
 * page is cross-origin isolated) next to `folders`, opens it in headless
 * Chromium and waits until the module has loaded. Throws with the module's
 * error and the page's console errors when it does not load.
 */
export async function openBundledPage(options: BundledPageOptions): Promise<BundledPage> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-page-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const ownsBrowser = options.browser === undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await bundleForBrowser({ entry: options.entry, outfile: path.join(dir, 'entry.js'), define: options.define });
    writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
    server = await serveStatic({ folders: { ...options.folders, '/': dir } });
    browser = options.browser ?? (await launchChromium());
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors = watchConsoleErrors(page);
    await page.goto(`${server.url}/`);
    const timeout = options.loadTimeoutMs ?? 60_000;
    await page.waitForFunction(() => (window as { __bundle?: unknown }).__bundle !== undefined, undefined, { timeout }).catch((e: Error) => {
      throw new Error(`${options.entry} did not finish loading in the page within ${timeout} ms (${e.message.split('\n')[0]}); page errors: ${consoleErrors.join(' | ') || 'none'}`);
    });
    const loadError = await page.evaluate(() => (window as { __bundle?: { error?: string } }).__bundle?.error);
    if (loadError) throw new Error(`${options.entry} failed to load in the page: ${loadError}; page errors: ${consoleErrors.join(' | ') || 'none'}`);
    const served = server;
    return {
      page,
      url: served.url,
      consoleErrors,
      notFound: served.notFound,
      async call<T>(name: string, ...args: unknown[]): Promise<T> {
        try {
          return (await page.evaluate(
            async ({ name, args }) => {
              const exports = (window as unknown as { __bundle: { exports: Record<string, unknown> } }).__bundle.exports;
              const fn = exports[name];
              if (typeof fn !== 'function') throw new Error(`the entry exports no function "${name}" (exports: ${Object.keys(exports).join(', ')})`);
              return await (fn as (...a: unknown[]) => unknown)(...args);
            },
            { name, args },
          )) as T;
        } catch (e) {
          const message = (e as Error).message.replace(/^page\.evaluate: /, '');
          throw new Error(`${name}() in the page: ${message}`, { cause: e });
        }
      },
      async close() {
        await context.close().catch(() => undefined);
        if (!ownsBrowser) browser = undefined;
        await close();
      },
    };
  } catch (e) {
    if (!ownsBrowser) browser = undefined;
    await close();
    throw e;
  }
}

/**
 * One call in a fresh page: bundles `entry`, calls its export `fn` with
 * `args`, closes everything and returns the result with the page's console
 * errors.
 */
export async function runInChromium<T = unknown>(
  options: BundledPageOptions & { readonly fn: string; readonly args?: readonly unknown[] },
): Promise<{ result: T; consoleErrors: string[] }> {
  const page = await openBundledPage(options);
  try {
    const result = await page.call<T>(options.fn, ...(options.args ?? []));
    return { result, consoleErrors: [...page.consoleErrors] };
  } finally {
    await page.close();
  }
}
