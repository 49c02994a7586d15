import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings. Each package writes a JSON report next to its
 * tests so that `pnpm test` (tooling/scripts/test.mjs) can print one
 * "N passed, N failed" line over the whole monorepo.
 */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results/results.json' }]],
    pool: 'forks',
    // Drops tfjs's "install our node backend" banner from the test log (see the file).
    setupFiles: [fileURLToPath(new URL('./vitest-setup.ts', import.meta.url))],
  },
});
