import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Detector, loadFaceDetector } from '../src';
import { MODEL_DIR, decodeWithSharp, samplePath } from './helpers';

/** Serves face-api's model folder under /models/, plus a /broken/ folder whose manifest is not JSON. */
function serveModels(): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (url === '/broken/ssd_mobilenetv1_model-weights_manifest.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{ "weights": ');
      return;
    }
    if (!url.startsWith('/models/')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(path.join(MODEL_DIR, path.basename(url)));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('loadFaceDetector({ modelUrl }): the weights fetched from a server, as a page does', () => {
  let server: Server;
  let base: string;
  const detectors: Detector[] = [];
  beforeAll(async () => {
    registerWasmBackend();
    ({ server, base } = await serveModels());
  });
  afterAll(() => {
    for (const d of detectors) d.dispose();
    server?.close();
  });

  it('gives the same detections as the same files read from disk', async () => {
    const fromUrl = await loadFaceDetector({ backend: 'wasm', modelUrl: `${base}/models` });
    const fromDir = await loadFaceDetector({ backend: 'wasm', modelDir: MODEL_DIR });
    detectors.push(fromUrl, fromDir);
    const image = await decodeWithSharp(samplePath(1));
    const a = await fromUrl.detect(image);
    const b = await fromDir.detect(image);
    expect(a.length).toBe(3);
    expect(a).toEqual(b);
  });

  it('a missing folder names the URL and the HTTP status', async () => {
    await expect(loadFaceDetector({ backend: 'wasm', modelUrl: `${base}/nowhere/` })).rejects.toThrow(
      `loadFaceDetector: GET ${base}/nowhere/ssd_mobilenetv1_model-weights_manifest.json answered HTTP 404`,
    );
  });

  it('a manifest that is not JSON names the URL', async () => {
    await expect(loadFaceDetector({ backend: 'wasm', modelUrl: `${base}/broken/` })).rejects.toThrow(`${base}/broken/ssd_mobilenetv1_model-weights_manifest.json is not valid JSON`);
  });

  it('a relative modelUrl outside a page, or both modelDir and modelUrl, are refused', async () => {
    await expect(loadFaceDetector({ backend: 'wasm', modelUrl: 'models/' })).rejects.toThrow('modelUrl "models/" is not a URL (outside a page it must be absolute');
    await expect(loadFaceDetector({ backend: 'wasm', modelUrl: `${base}/models/`, modelDir: MODEL_DIR })).rejects.toThrow('pass modelDir (a folder on disk) or modelUrl (a folder URL), not both');
  });
});
