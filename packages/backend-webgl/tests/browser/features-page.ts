/**
 * Runs in headless Chromium: the webgl backend's own behaviour (start
 * failures, what it reports, warm-up, disposal, texture precision). Options
 * that tfjs reads once per page (textures, packing) are tested in pages of
 * their own; see webgl-in-chromium.test.ts.
 */
import { compile, type Graph, GraphBuilder, registerBackend, type Weights } from '@mobilenet-kit/core';
import { conformanceCases, conformanceMobileNetV1, createPrng, randomInputs, randomWeights, type Tolerance } from '@mobilenet-kit/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { registerWebGLBackend, type WebGLBackendOptions, webglBackend } from '../../src/index';

function relu6Graph(): Graph {
  const b = new GraphBuilder('relu6');
  b.output(b.add('r', 'activation', [b.input('x', [null, 3])], { fn: 'relu6' }));
  return b.build();
}

/** Tries to compile on a webgl backend with `options` (registered under `name`); returns what happened. */
export async function tryStart(name: string, options: WebGLBackendOptions): Promise<{ ok: true; backend: Record<string, unknown>; out: number[] } | { ok: false; error: string }> {
  registerBackend({ ...webglBackend(options), name });
  try {
    const model = await compile(relu6Graph(), new Map(), { backend: name });
    const out = await model.run({ x: { shape: [1, 3], data: Float32Array.from([-1, 2, 9]) } });
    model.dispose();
    // + 0: the GPU's relu6 of -1 is -0, which toEqual tells from 0.
    return { ok: true, backend: { ...model.backend }, out: Array.from(out.r!.data, (v) => v + 0) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * Makes this page behave like a browser whose only WebGL is a software
 * renderer it flags: getContext returns null when asked for a context
 * without a "major performance caveat" (Chromium here never flags
 * SwiftShader, so the refusal path is reached only this way). tfjs asks
 * through the same getContext, so it sees the same browser.
 */
export function simulateCaveatOnlyWebGL(): void {
  type GetContext = (this: unknown, kind: string, attributes?: { failIfMajorPerformanceCaveat?: boolean }) => unknown;
  for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype] as unknown as { getContext: GetContext }[]) {
    const real = proto.getContext;
    proto.getContext = function (kind, attributes) {
      if (kind.includes('webgl') && attributes?.failIfMajorPerformanceCaveat) return null;
      return real.call(this, kind, attributes);
    };
  }
}

/**
 * Makes this page behave like a GPU without float32 render targets (many
 * mobile GPUs): WebGL 2's EXT_color_buffer_float is never enabled, so
 * float32 textures cannot be rendered to, which is what tfjs checks
 * (webgl_util.ts isCapableOfRenderingToFloatTexture).
 */
export function simulateNoFloat32RenderTargets(): void {
  const proto = WebGL2RenderingContext.prototype;
  const real = proto.getExtension;
  proto.getExtension = function (this: WebGL2RenderingContext, name: string) {
    return name === 'EXT_color_buffer_float' ? null : real.call(this, name);
  } as typeof real;
}

/** The number of WebGL programs tfjs has compiled so far (its shader cache). */
function compiledPrograms(): number {
  // tfjs-backend-webgl 4.22 MathBackendWebGL keeps compiled programs in `binaryCache` (private in its types).
  const cache = (tf.findBackend('webgl') as unknown as { binaryCache: Record<string, unknown> }).binaryCache;
  return Object.keys(cache).length;
}

function mobileNet(resolution: number): { graph: Graph; weights: Weights } {
  const graph = conformanceMobileNetV1({ alpha: 0.25, resolution });
  return { graph, weights: randomWeights(graph, createPrng(resolution)) };
}

/**
 * Shader programs compiled by `compile` and by the first and second runs,
 * with and without `warmup: true` (two resolutions, so that the two models
 * share no shader: tfjs keys its programs by input shapes).
 */
export async function warmupPrograms(): Promise<Record<'warm' | 'cold', { compile: number; firstRun: number; secondRun: number }>> {
  registerWebGLBackend();
  const result: Record<string, { compile: number; firstRun: number; secondRun: number }> = {};
  for (const [label, resolution, warmup] of [
    ['warm', 96, true],
    ['cold', 64, false],
  ] as const) {
    const { graph, weights } = mobileNet(resolution);
    const inputs = randomInputs(graph, createPrng(7), 1);
    const start = compiledPrograms();
    const model = await compile(graph, weights, { backend: 'webgl', warmup });
    const compiled = compiledPrograms();
    await model.run(inputs);
    const first = compiledPrograms();
    await model.run(inputs);
    result[label] = { compile: compiled - start, firstRun: first - compiled, secondRun: compiledPrograms() - first };
    model.dispose();
  }
  return result as Record<'warm' | 'cold', { compile: number; firstRun: number; secondRun: number }>;
}

/** tf.memory() counts at each step of a model's life: nothing may stay behind after runs, nor after dispose. */
export async function memoryOverRuns(): Promise<{ start: number; compiled: number; afterRuns: number; disposed: number; dataBuffersStart: number; dataBuffersDisposed: number }> {
  registerWebGLBackend();
  const { graph, weights } = mobileNet(64);
  const startMemory = tf.memory();
  const model = await compile(graph, weights, { backend: 'webgl', warmup: true });
  const compiled = tf.memory().numTensors;
  for (const seed of [1, 2, 3]) await model.run(randomInputs(graph, createPrng(seed), 2));
  const afterRuns = tf.memory().numTensors;
  model.dispose();
  return {
    start: startMemory.numTensors,
    compiled,
    afterRuns,
    disposed: tf.memory().numTensors,
    dataBuffersStart: startMemory.numDataBuffers,
    dataBuffersDisposed: tf.memory().numDataBuffers,
  };
}

/** The keys of the quick op cases that fail on 'webgl' at `tolerance`, with their messages. */
export async function failingOpCases(tolerance: Tolerance): Promise<{ total: number; failures: string[] }> {
  registerWebGLBackend();
  const cases = conformanceCases({ backend: 'webgl', quick: true, models: false, tolerance }).filter((c) => c.group === 'ops');
  const failures: string[] = [];
  for (const c of cases) {
    try {
      await c.run();
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  return { total: cases.length, failures };
}
