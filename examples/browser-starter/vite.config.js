import { defineConfig } from 'vite';

// COOP/COEP make the page cross-origin isolated: SharedArrayBuffer, and so tfjs's threaded wasm, need it.
// A static host must send the same two headers for threads.
const crossOriginIsolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  base: './',
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  // Not minified: tfjs's threaded wasm starts its workers from the source text of a function in the bundle, and
  // Vite 8's default minifier renames what that function refers to (the workers die with "ReferenceError: e is
  // not defined"; apps/web minifies with esbuild, and its e2e test detects on wasm).
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, minify: false },
});
