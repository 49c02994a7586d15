import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The headers that make a page cross-origin isolated (`crossOriginIsolated`),
 * which SharedArrayBuffer and so wasm threads need.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  // instantiateStreaming needs this exact type.
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServerOptions {
  /**
   * URL prefix → folder on disk, e.g. `{ '/': 'dist', '/wasm/': 'node_modules/@tensorflow/tfjs-backend-wasm/dist' }`.
   * The longest matching prefix wins; `/` serves `index.html` of a folder.
   */
  readonly folders: Readonly<Record<string, string>>;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Sent with every response; default CROSS_ORIGIN_ISOLATION_HEADERS. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface StaticServer {
  /** The origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Paths asked for that were not found (404), for diagnosing a page. */
  readonly notFound: readonly string[];
  close(): Promise<void>;
}

/** The file for a URL path, or undefined; never a file outside the folder (`..` is refused). */
function resolveFile(prefixes: readonly (readonly [string, string])[], urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  for (const [prefix, folder] of prefixes) {
    if (!decoded.startsWith(prefix)) continue;
    const file = path.resolve(folder, `./${decoded.slice(prefix.length)}`);
    if (file !== folder && !file.startsWith(folder + path.sep)) return undefined;
    try {
      const stat = statSync(file);
      if (stat.isFile()) return file;
      if (stat.isDirectory() && statSync(path.join(file, 'index.html')).isFile()) return path.join(file, 'index.html');
    } catch {}
    return undefined;
  }
  return undefined;
}

/** A small static HTTP server on 127.0.0.1 that sends COOP/COEP headers (for wasm threads). */
export async function serveStatic(options: StaticServerOptions): Promise<StaticServer> {
  const prefixes = Object.entries(options.folders)
    .map(([prefix, folder]) => {
      if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`serveStatic: URL prefix ${JSON.stringify(prefix)} must start and end with "/"`);
      const resolved = path.resolve(folder);
      try {
        if (!statSync(resolved).isDirectory()) throw new Error('not a folder');
      } catch {
        throw new Error(`serveStatic: folder for ${prefix} does not exist or is not a folder: ${resolved}`);
      }
      return [prefix, resolved] as const;
    })
    .sort((a, b) => b[0].length - a[0].length);
  const headers = options.headers ?? CROSS_ORIGIN_ISOLATION_HEADERS;
  const notFound: string[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = req.method === 'GET' || req.method === 'HEAD' ? resolveFile(prefixes, urlPath) : undefined;
    if (!file) {
      notFound.push(urlPath);
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`not found: ${urlPath}\n`);
      return;
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': statSync(file).size, 'Cache-Control': 'no-store' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notFound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
