// Copies what the page loads besides its code into public/ (served as is by Vite): face-api's SSD
// MobileNet v1 weights and a demo photo (from the @vladmandic/face-api package) and tfjs's wasm
// binaries. Nothing is fetched from a CDN at run time.
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const faceApi = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
const wasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
const copies = [
  ...['ssd_mobilenetv1_model-weights_manifest.json', 'ssd_mobilenetv1_model.bin'].map((f) => [path.join(faceApi, 'model', f), `public/models/${f}`]),
  [path.join(faceApi, 'demo', 'sample1.jpg'), 'public/sample.jpg'],
  ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [path.join(wasm, f), `public/wasm/${f}`]),
];
for (const [from, to] of copies) {
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(from, to);
}
console.log(`copy-assets: ${copies.length} files into public/`);
