/**
 * Whether this JavaScript environment can give tfjs a WebGL context, checked
 * before tfjs tries: tfjs caches a failed probe (flag WEBGL_VERSION = 0) for
 * the life of the page and only logs why, and in Node tfjs-backend-webgl does
 * not even register its backend. The probe uses tfjs's own context
 * attributes, so it fails exactly when tfjs would.
 */
import { refuseNode } from '@mobilenet-kit/backend-tfjs';

type ProbeCanvas = { getContext(kind: string, attributes?: object): unknown };

/** A canvas as tfjs makes one (canvas_util.ts createCanvas): OffscreenCanvas for WebGL 2 where it exists, else a document canvas. */
function probeCanvas(version: 1 | 2): ProbeCanvas | undefined {
  if (version === 2 && typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1) as unknown as ProbeCanvas;
  if (typeof document !== 'undefined') return document.createElement('canvas') as unknown as ProbeCanvas;
  return undefined;
}

function tryContext(canvas: ProbeCanvas | undefined, kind: string, attributes: object): WebGLRenderingContext | undefined {
  try {
    return (canvas?.getContext(kind, attributes) as WebGLRenderingContext | null) ?? undefined;
  } catch {
    // e.g. OffscreenCanvas refuses 'experimental-webgl' by throwing.
    return undefined;
  }
}

/** The WebGL version a fresh canvas gives (2, else 1, else 0), with or without accepting a "major performance caveat" context. */
function probeWebGL(failIfMajorPerformanceCaveat: boolean): 1 | 2 | 0 {
  // tfjs-backend-webgl 4.22 canvas_util.ts WEBGL_ATTRIBUTES.
  const attributes = { alpha: false, antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: false, depth: false, stencil: false, failIfMajorPerformanceCaveat };
  for (const [version, kinds] of [
    [2, ['webgl2']],
    [1, ['webgl', 'experimental-webgl']],
  ] as const) {
    for (const kind of kinds) {
      const gl = tryContext(probeCanvas(version), kind, attributes);
      if (gl) {
        // Give the probe's context back at once: browsers cap live contexts (16 in Chromium).
        gl.getExtension('WEBGL_lose_context')?.loseContext();
        return version;
      }
    }
  }
  return 0;
}

/**
 * Throws an Error naming why no WebGL context can be had here, or returns the
 * WebGL version that a context will have. `software`: whether a software
 * renderer (SwiftShader, llvmpipe) is acceptable.
 */
export function requireWebGLContext(software: boolean): 1 | 2 {
  refuseNode('WebGL', 'webgl', 'tfjs-backend-webgl');
  if (!probeCanvas(2)) {
    throw new Error('no WebGL here: this context has neither OffscreenCanvas nor document (a worker without OffscreenCanvas?), so no WebGL canvas can be made');
  }
  const version = probeWebGL(!software);
  if (version !== 0) return version;
  if (!software && probeWebGL(false) !== 0) {
    throw new Error(
      'this browser offers only a software WebGL renderer (a "major performance caveat" context, e.g. SwiftShader), which tfjs refuses by default; pass software: true to use it anyway (the "wasm" backend is usually faster on a CPU)',
    );
  }
  throw new Error(
    `this browser gives no WebGL context (canvas.getContext("webgl2") and ("webgl") returned null): WebGL or hardware acceleration is off, or the GPU is blocklisted; headless Chromium runs WebGL on SwiftShader with --use-angle=swiftshader --enable-unsafe-swiftshader`,
  );
}
