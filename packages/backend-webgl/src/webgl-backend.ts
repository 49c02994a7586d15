import { createTfjsBackend, isNode } from '@mobilenet-kit/backend-tfjs';
import { type Backend, registerBackend } from '@mobilenet-kit/core';
import * as tf from '@tensorflow/tfjs-core';
// Importing tfjs-backend-webgl registers tfjs's 'webgl' backend (in browsers only) and its kernels.
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgl';
import { requireWebGLContext } from './webgl-context';

/** Texture precision: `'auto'` is tfjs's choice, float32 where the GPU can render to float32 textures, else float16. */
export type WebGLTextures = 'auto' | 'float32' | 'float16';

export interface WebGLBackendOptions {
  /**
   * `'auto'` (default): float32 textures where the GPU can render to them
   * (tfjs flag WEBGL_RENDER_FLOAT32_CAPABLE), float16 elsewhere (many mobile
   * GPUs). `'float16'`: always float16 (tfjs WEBGL_FORCE_F16_TEXTURES; half
   * the memory, about 3 significant digits). `'float32'`: fail to start
   * where float32 render targets are missing instead of losing precision.
   */
  readonly textures?: WebGLTextures;
  /** Pack 2×2 values per texel (tfjs WEBGL_PACK, default true): fewer texture reads, the faster form on most GPUs. */
  readonly packed?: boolean;
  /**
   * Accept a WebGL context that the browser flags with a "major performance
   * caveat" (a software renderer such as SwiftShader or llvmpipe where the
   * browser says so; tfjs SOFTWARE_WEBGL_ENABLED). Default false, as in tfjs:
   * on a CPU the "wasm" backend is usually faster. Chromium started with
   * --enable-unsafe-swiftshader does not flag SwiftShader, so it needs no
   * `software: true`.
   */
  readonly software?: boolean;
  /** Use tfjs's fused kernels (conv + bias + activation in one shader). Default true. */
  readonly fused?: boolean;
}

const TEXTURES: readonly WebGLTextures[] = ['auto', 'float32', 'float16'];

/** The tfjs flags that `packed` sets: WEBGL_PACK and those tfjs derives from it (read once, then cached). */
const PACK_FLAGS = [
  'WEBGL_PACK',
  'WEBGL_PACK_NORMALIZATION',
  'WEBGL_PACK_CLIP',
  'WEBGL_PACK_DEPTHWISECONV',
  'WEBGL_PACK_BINARY_OPERATIONS',
  'WEBGL_PACK_UNARY_OPERATIONS',
  'WEBGL_PACK_ARRAY_OPERATIONS',
  'WEBGL_PACK_IMAGE_OPERATIONS',
  'WEBGL_PACK_REDUCE',
  'WEBGL_LAZILY_UNPACK',
  'WEBGL_CONV_IM2COL',
  'WEBGL_PACK_CONV2DTRANSPOSE',
] as const;

function checkOptions(options: WebGLBackendOptions): void {
  const { textures, packed, software, fused } = options;
  if (textures !== undefined && !TEXTURES.includes(textures)) {
    throw new Error(`webgl backend: textures must be one of ${TEXTURES.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(textures)}`);
  }
  for (const [name, value] of Object.entries({ packed, software, fused })) {
    if (value !== undefined && typeof value !== 'boolean') throw new Error(`webgl backend: ${name} must be a boolean, got ${JSON.stringify(value)}`);
  }
}

/** What tfjs's webgl backend runs with once started. */
function settingsInEffect(): { textures: 'float32' | 'float16'; packed: boolean } {
  return { textures: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'float32' : 'float16', packed: tf.env().getBool('WEBGL_PACK') };
}

async function prepareWebGL(options: WebGLBackendOptions): Promise<void> {
  checkOptions(options);
  const { textures = 'auto', packed, software = false } = options;
  if (tf.engine().registry.webgl !== undefined) {
    // tfjs reads these flags when it creates its WebGL context and textures, once per page.
    const now = settingsInEffect();
    if ((textures !== 'auto' && textures !== now.textures) || (packed !== undefined && packed !== now.packed)) {
      throw new Error(
        `tfjs's webgl backend already runs with ${now.textures} textures, packed: ${now.packed}; textures: '${textures}', packed: ${packed} must be set before it starts`,
      );
    }
    return;
  }
  requireWebGLContext(software);
  if (!tf.findBackendFactory('webgl')) {
    throw new Error(
      `tfjs has no "webgl" backend registered${isNode() ? '' : ': @tensorflow/tfjs-backend-webgl was not loaded into the same copy of @tensorflow/tfjs-core'}`,
    );
  }
  const env = tf.env();
  env.set('SOFTWARE_WEBGL_ENABLED', software);
  if (textures === 'float16') {
    env.set('WEBGL_FORCE_F16_TEXTURES', true);
    env.set('WEBGL_RENDER_FLOAT32_ENABLED', false);
  } else if (textures === 'float32' && !env.getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    throw new Error("textures: 'float32' was asked for, but this GPU cannot render to float32 textures (tfjs WEBGL_RENDER_FLOAT32_CAPABLE is false); use textures: 'auto' or 'float16'");
  }
  if (packed !== undefined) for (const flag of PACK_FLAGS) env.set(flag, packed);
}

/** The renderer string of tfjs's WebGL context (e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))"), when the browser tells it. */
function rendererName(): string | undefined {
  const gl = (tf.findBackend('webgl') as MathBackendWebGL | null)?.gpgpu?.gl;
  if (!gl) return undefined;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const name = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) as unknown;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The 'webgl' backend: tfjs-backend-webgl, the GPU path in browsers. A start
 * failure (no WebGL context: Node, a browser without WebGL, a software-only
 * renderer without `software: true`) throws the reason; it never falls back
 * to another backend.
 */
export function webglBackend(options: WebGLBackendOptions = {}): Backend {
  checkOptions(options);
  return createTfjsBackend({
    name: 'webgl',
    tf,
    tfBackendName: 'webgl',
    fused: options.fused ?? true,
    init: () => prepareWebGL(options),
    info: async () => {
      const renderer = rendererName();
      return { webglVersion: tf.env().getNumber('WEBGL_VERSION'), ...settingsInEffect(), ...(renderer ? { renderer } : {}) };
    },
  });
}

/** Registers the 'webgl' backend in mobilenet-kit's registry (replacing one of the same name). */
export function registerWebGLBackend(options: WebGLBackendOptions = {}): Backend {
  const backend = webglBackend(options);
  registerBackend(backend);
  return backend;
}
