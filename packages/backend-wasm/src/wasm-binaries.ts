/**
 * Where the tfjs-backend-wasm binaries are. In Node they are resolved in
 * node_modules; a local folder is checked before tfjs starts, because tfjs
 * only says "make sure the server can serve the .wasm file" when one is missing.
 */

export type WasmPaths = string | Readonly<Record<string, string>>;

/** The binary tfjs picks (tfjs-backend-wasm 4.22 `getPathToWasmBinary`). */
export function wasmBinaryName(simd: boolean, threads: boolean): string {
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The dist folder of @tensorflow/tfjs-backend-wasm as resolved from this package, with a trailing separator. */
export async function nodeWasmFolder(): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  } catch (e) {
    throw new Error(`cannot find @tensorflow/tfjs-backend-wasm's binaries in node_modules (${(e as Error).message}); install @tensorflow/tfjs-backend-wasm or pass wasmPaths`, { cause: e });
  }
  return file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** In Node, throws naming the missing file when `paths` points at a local folder or file that lacks the binary. */
export async function checkLocalBinary(paths: WasmPaths, binary: string): Promise<void> {
  const location = typeof paths === 'string' ? paths + binary : paths[binary];
  if (location === undefined) throw new Error(`wasmPaths has no entry for "${binary}", the binary tfjs needs on this platform`);
  if (/^(https?|data|blob):/i.test(location)) return;
  const { existsSync } = await import('node:fs');
  let file = location;
  if (/^file:/i.test(location)) {
    const { fileURLToPath } = await import('node:url');
    file = fileURLToPath(location);
  }
  if (!existsSync(file)) {
    throw new Error(`the wasm binary "${binary}" is not at ${file} (wasmPaths: ${JSON.stringify(paths)}); point wasmPaths at the dist folder of @tensorflow/tfjs-backend-wasm`);
  }
}
