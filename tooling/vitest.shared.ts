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
    // vitest runs a file per core at once; threaded wasm in each of them (the backend's default,
    // every core) oversubscribed the 2 CI cores until a 120 s hook timed out. One thread per test
    // process; packages/backend-wasm/tests/default-threads.test.ts clears this and tests the default.
    env: { MOBILENET_KIT_WASM_THREADS: '1' },
    // Drops tfjs's "install our node backend" banner from the test log (see the file).
    setupFiles: [fileURLToPath(new URL('./vitest-setup.ts', import.meta.url))],
  },
});
