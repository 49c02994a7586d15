/**
 * The backends the page offers, as names and one-line descriptions: shared
 * by the page (its picker) and the inference worker (which registers them).
 * Nothing here loads tfjs.
 */

/** Fastest first on a machine with a GPU. webgpu is listed only where the browser gives an adapter. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

export const BACKEND_BLURBS: Record<BackendName, string> = {
  webgpu: 'GPU compute shaders on WebGPU (tfjs-backend-webgpu); the first run compiles them',
  webgl: 'GPU shaders (tfjs-backend-webgl); the first run compiles them',
  wasm: 'WebAssembly with XNNPACK and SIMD, threads when the page is cross-origin isolated (tfjs-backend-wasm)',
  cpu: 'plain JavaScript (tfjs-backend-cpu): slow, the numeric reference',
};

/** The backends whose first run compiles GPU programs: their detector is warmed up once, at compile time. */
export function compilesShaders(backend: string): boolean {
  return backend === 'webgl' || backend === 'webgpu';
}
