/**
 * The browser-only tfjs backends (webgl, webgpu) refuse Node the same way,
 * before tfjs is asked: their tfjs packages register a backend only in
 * browsers, so tfjs itself would only say that no such backend exists.
 */

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Throws in Node, naming the missing API (`'WebGL'`, `'WebGPU'`), the
 * backend, its tfjs package and the backends that do run there.
 */
export function refuseNode(api: string, backendName: string, tfjsPackage: string): void {
  if (isNode()) {
    throw new Error(
      `no ${api} in Node ${process.versions.node}: the ${backendName} backend runs in browsers (${tfjsPackage} registers its backend only there); in Node use the "wasm" or "cpu" backend`,
    );
  }
}
