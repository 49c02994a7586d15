import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
import { MODEL_FILES, MODEL_FOLDER, SAMPLE_FOLDER, SAMPLE_PHOTOS, WASM_FILES, WASM_FOLDER } from './src/offline-assets.ts';

interface OfflineAsset {
  /** Path in the served site, relative to its root (`models/…`). */
  readonly url: string;
  /** Where the file is on disk. */
  readonly file: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  // tfjs streams the binary (WebAssembly.instantiateStreaming), which needs this type.
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
};

/** The files named in src/offline-assets.ts, found in this app's node_modules. */
export function offlineAssets(appRoot: string): OfflineAsset[] {
  const require = createRequire(path.join(appRoot, 'package.json'));
  const faceApi = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
  const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const assets = [
    ...MODEL_FILES.map((name) => ({ url: MODEL_FOLDER + name, file: path.join(faceApi, 'model', name) })),
    ...WASM_FILES.map((name) => ({ url: WASM_FOLDER + name, file: path.join(wasmDist, name) })),
    ...SAMPLE_PHOTOS.map((name) => ({ url: SAMPLE_FOLDER + name, file: path.join(faceApi, 'demo', name) })),
  ];
  const missing = assets.filter((a) => !existsSync(a.file));
  if (missing.length > 0) {
    throw new Error(`offline assets: missing ${missing.map((a) => a.file).join(', ')} (run pnpm install; nothing is downloaded from a CDN)`);
  }
  return assets;
}

/**
 * Serves the model weights, the wasm binaries and the sample photos from
 * node_modules in `vite dev`, and copies them into the build, so that the
 * page never needs the network beyond its own origin.
 */
export function offlineAssetsPlugin(appRoot: string): Plugin {
  const assets = offlineAssets(appRoot);
  const byUrl = new Map(assets.map((a) => [`/${a.url}`, a]));
  return {
    name: 'mobilenet-kit-offline-assets',
    configureServer(server) {
      const base = server.config.base.endsWith('/') ? server.config.base : `${server.config.base}/`;
      server.middlewares.use((req, res, next) => {
        const pathname = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        const asset = byUrl.get(pathname.startsWith(base) ? `/${pathname.slice(base.length)}` : pathname);
        if (!asset) return next();
        res.setHeader('Content-Type', CONTENT_TYPES[path.extname(asset.file)] ?? 'application/octet-stream');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.end(readFileSync(asset.file));
      });
    },
    generateBundle() {
      for (const asset of assets) this.emitFile({ type: 'asset', fileName: asset.url, source: readFileSync(asset.file) });
    },
  };
}
