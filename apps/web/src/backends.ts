import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { registerWebGLBackend } from '@mobilenet-kit/backend-webgl';
import { WASM_FOLDER } from './offline-assets';

/** The backends the page offers, fastest first on a machine with a GPU. */
export const BACKEND_NAMES = ['webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

export const BACKEND_BLURBS: Record<BackendName, string> = {
  webgl: 'GPU shaders (tfjs-backend-webgl); the first run compiles them',
  wasm: 'WebAssembly with XNNPACK and SIMD, threads when the page is cross-origin isolated (tfjs-backend-wasm)',
  cpu: 'plain JavaScript (tfjs-backend-cpu): slow, the numeric reference',
};

/** An absolute URL for a path relative to the page (the build uses relative URLs, so it works in any folder). */
export function pageUrl(relative: string): string {
  return new URL(relative, document.baseURI).href;
}

/**
 * Registers cpu, wasm (binaries from this app's own wasm/ folder, never a
 * CDN) and webgl with core's registry. `softwareWebGL` accepts a software
 * WebGL renderer such as SwiftShader, which tfjs refuses by default;
 * registering again replaces the webgl backend, so a page can retry with it.
 */
export function registerBackends(options: { softwareWebGL: boolean }): void {
  registerCpuBackend();
  registerWasmBackend({ wasmPaths: pageUrl(WASM_FOLDER) });
  registerWebGL(options.softwareWebGL);
}

/** (Re)registers the webgl backend; it starts on its next use. */
export function registerWebGL(softwareWebGL: boolean): void {
  registerWebGLBackend({ software: softwareWebGL });
}

/** What this page can use: cross-origin isolation gives wasm its threads. */
export function environmentFacts(): { crossOriginIsolated: boolean; cores: number } {
  return { crossOriginIsolated: globalThis.crossOriginIsolated === true, cores: navigator.hardwareConcurrency ?? 1 };
}
