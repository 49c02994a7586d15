import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { offlineAssetsPlugin } from './vite-plugin-offline-assets.ts';

const appRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * COOP/COEP make the page cross-origin isolated, which SharedArrayBuffer and
 * therefore tfjs's threaded wasm build need.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs: the built folder works from any path of a plain static server.
  base: './',
  plugins: [offlineAssetsPlugin(appRoot)],
  server: { headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  // The inference worker (src/inference.worker.ts) is an ES module worker: tfjs's backends load lazily inside it.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    minify: 'esbuild',
    // tfjs is large; one chunk per backend keeps the warning meaningful.
    chunkSizeWarningLimit: 2500,
  },
});
