import type { Page } from 'playwright-core';

/**
 * Collects what a page reports as errors: `console.error` messages, uncaught
 * exceptions and unhandled rejections (`pageerror`), and failed requests.
 * The returned array fills as the page runs.
 */
export function watchConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown reason'})`));
  return errors;
}
