export { chromiumPath, DEFAULT_CHROMIUM_PATH, requireChromium } from './chromium-path';
export { CHROMIUM_ARGS, launchChromium, WEBGPU_CHROMIUM_ARGS, type LaunchChromiumOptions } from './launch';
export { CROSS_ORIGIN_ISOLATION_HEADERS, serveStatic, type StaticServer, type StaticServerOptions } from './static-server';
export { bundleForBrowser, type BundleOptions } from './bundle';
export { watchConsoleErrors } from './console-errors';
export { openBundledPage, runInChromium, type BundledPage, type BundledPageOptions } from './bundled-page';
export type { Browser, Page, Worker } from 'playwright-core';
