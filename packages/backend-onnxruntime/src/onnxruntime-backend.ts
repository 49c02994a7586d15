import {
  analyzeGraph,
  type Backend,
  checkInputNames,
  type BackendInfo,
  type CompiledModel,
  type CompileOptions,
  type Graph,
  type HostTensor,
  type OpName,
  listBackends,
  readHostInput,
  registerBackend,
  type TensorLike,
  type TensorSpec,
  type Weights,
} from '@mobilenet-kit/core';
import { type CalibrationMethod, type CalibrationRanges, checkCalibrationMethod, ONNX_EXPORTABLE_OPS, type OnnxLayout, type OpenCalibrationSession, quantizeOnnx, toOnnx } from '@mobilenet-kit/onnx';
import { checkCommandLine, readCommandLineFacts } from './command-line-limit';
import { defaultImporter, importRuntime, isNode, type OrtModule, type OrtRuntimeName, type OrtSession, type OrtSessionOptions, type OrtTensor, type RuntimeImporter } from './ort-runtime';

export const ONNXRUNTIME_BACKEND_NAME = 'onnxruntime';

export interface OnnxruntimeBackendOptions {
  /**
   * Intra-op threads of each session. Default: in Node, the number of CPUs
   * Node sees (`os.availableParallelism()`); in browsers, onnxruntime-web's
   * own choice (`ort.env.wasm.numThreads`, which needs a cross-origin-isolated page for more than one).
   */
  readonly threads?: number;
  /** onnxruntime execution providers, in order of preference. Default: `['cpu']` in Node; `['webgpu', 'wasm']` in browsers with WebGPU, else `['wasm']`. */
  readonly executionProviders?: readonly string[];
  /** Which package runs the models. Default: onnxruntime-node in Node, onnxruntime-web elsewhere. */
  readonly runtime?: OrtRuntimeName;
  /** Opset of the exported model (see @mobilenet-kit/onnx). Default 13. */
  readonly opset?: number;
  /** Layout inside the exported model. Default 'nchw' (measured fastest, README). */
  readonly layout?: OnnxLayout;
  /**
   * Whether a session's idle intra-op threads spin-wait for the next run
   * (onnxruntime's `session.intra_op.allow_spinning`). Default: onnxruntime's
   * own (on), the lowest latency for one model. Turn it off when several
   * models run in turn in one process with threads > 1: each session's
   * spinning threads then take the cores from the one running (measured on
   * 2 cores, MobileNet 1.0-224, 2 threads: one session 4.8 ms; four sessions
   * run in turn 21.7 ms with spinning, 5.5 ms without). When the 'wasm'
   * backend is registered too (its thread pool takes every core by default),
   * the default is off, so that the two pools take turns on the cores instead
   * of spinning against each other.
   */
  readonly spinning?: boolean;
  /** onnxruntime's log level for the sessions: 0 verbose … 2 warning (default) … 4 fatal. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** How to import the runtime package (tests; bundlers that need a different entry). */
  readonly importer?: RuntimeImporter;
  /**
   * Run the model in int8: the exported fp32 model is quantized (@mobilenet-kit/onnx's
   * quantizeOnnx: per-channel int8 weights, uint8 activations, QDQ that onnxruntime
   * fuses into QLinearConv / QGemm) before the session opens. Give calibration
   * inputs (real images, preprocessed as the model expects) or the ranges of an
   * earlier calibration of the same model. Usually set per model, in `backendOptions`.
   */
  readonly int8?: Int8Options;
}

/** How a model is quantized to int8 at compile. */
export interface Int8Options {
  /** Calibration batches keyed by input name (e.g. `[{ input: { shape: [8, 224, 224, 3], data } }]`). */
  readonly calibration?: readonly Readonly<Record<string, HostTensor>>[];
  /** Ranges from an earlier calibration (`QuantizedOnnx.ranges`, `int8.json` of an exported folder); skips calibration. */
  readonly ranges?: CalibrationRanges;
  /** Default 'minmax'. */
  readonly method?: CalibrationMethod;
  /** For 'percentile' (default 99.999). */
  readonly percentile?: number;
}

/**
 * Opens fp32 models for calibration on onnxruntime (one intra-op thread per
 * `threads`, optimization level 'all'): what quantizeOnnx's `open` takes.
 */
export function ortCalibrationSession(ort: OrtModule, options: { threads?: number } = {}): OpenCalibrationSession {
  return async (bytes) => {
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3, ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}) });
    return {
      async run(feeds) {
        const f: Record<string, OrtTensor> = {};
        for (const [name, t] of Object.entries(feeds)) f[name] = new ort.Tensor('float32', t.data, t.shape);
        const out = await session.run(f);
        const result: Record<string, Float32Array> = {};
        for (const [name, t] of Object.entries(out)) if (t.data instanceof Float32Array) result[name] = t.data;
        return result;
      },
      dispose: () => session.release(),
    };
  };
}

function checkInt8(int8: unknown, where: string): Int8Options | undefined {
  if (int8 === undefined) return undefined;
  if (int8 === null || typeof int8 !== 'object') throw new Error(`${where}: int8 must be { calibration } or { ranges }, got ${JSON.stringify(int8)}`);
  const o = int8 as Int8Options;
  if (o.method !== undefined) checkCalibrationMethod(o.method, `${where}: int8.method`);
  if (o.ranges === undefined && (!Array.isArray(o.calibration) || o.calibration.length === 0)) {
    throw new Error(`${where}: int8 needs calibration images (int8.calibration: a non-empty list of input batches) or stored int8.ranges`);
  }
  return o;
}

function checkThreads(threads: unknown, where: string): void {
  if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1)) {
    throw new Error(`${where}: threads must be a positive integer, got ${JSON.stringify(threads)}`);
  }
}

function checkSpinning(spinning: unknown, where: string): void {
  if (spinning !== undefined && typeof spinning !== 'boolean') throw new Error(`${where}: spinning must be true or false, got ${JSON.stringify(spinning)}`);
}

function checkProviders(providers: unknown, where: string): void {
  if (providers !== undefined && (!Array.isArray(providers) || providers.length === 0 || providers.some((p) => typeof p !== 'string' || p.length === 0))) {
    throw new Error(`${where}: executionProviders must be a non-empty list of provider names (e.g. ['cpu']), got ${JSON.stringify(providers)}`);
  }
}

interface Runtime {
  readonly ort: OrtModule;
  readonly name: OrtRuntimeName;
  readonly threads: number;
  readonly executionProviders: readonly string[];
}

async function startRuntime(options: OnnxruntimeBackendOptions): Promise<Runtime> {
  const name = options.runtime ?? (isNode() ? 'onnxruntime-node' : 'onnxruntime-web');
  if (name !== 'onnxruntime-node' && name !== 'onnxruntime-web') throw new Error(`runtime must be 'onnxruntime-node' or 'onnxruntime-web', got ${JSON.stringify(name)}`);
  const ort = await importRuntime(name, options.importer ?? defaultImporter);
  if (name === 'onnxruntime-node') {
    checkCommandLine(await readCommandLineFacts());
    const os = await import('node:os');
    return { ort, name, threads: options.threads ?? os.availableParallelism(), executionProviders: options.executionProviders ?? ['cpu'] };
  }
  // onnxruntime-web reads numThreads when it creates its first session.
  if (options.threads !== undefined && ort.env.wasm) ort.env.wasm.numThreads = options.threads;
  const hasWebGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  return {
    ort,
    name,
    threads: options.threads ?? ort.env.wasm?.numThreads ?? 1,
    executionProviders: options.executionProviders ?? (hasWebGpu ? ['webgpu', 'wasm'] : ['wasm']),
  };
}

/** The per-compile settings: the factory's, with `backendOptions` on top. */
function compileSettings(base: OnnxruntimeBackendOptions, runtime: Runtime, options: CompileOptions) {
  const extra = (options.backendOptions ?? {}) as Partial<OnnxruntimeBackendOptions>;
  checkThreads(extra.threads, 'compile backendOptions');
  checkProviders(extra.executionProviders, 'compile backendOptions');
  checkSpinning(extra.spinning, 'compile backendOptions');
  const int8 = checkInt8(extra.int8, 'compile backendOptions') ?? base.int8;
  // Another engine with its own pool of threads on these cores (tfjs's wasm, 'auto' threads): do not spin against it.
  const sharesCores = listBackends().includes('wasm');
  return {
    spinning: extra.spinning ?? base.spinning ?? (sharesCores ? false : undefined),
    threads: extra.threads ?? runtime.threads,
    executionProviders: extra.executionProviders ?? runtime.executionProviders,
    opset: extra.opset ?? base.opset,
    layout: extra.layout ?? base.layout,
    logSeverityLevel: extra.logSeverityLevel ?? base.logSeverityLevel ?? 2,
    int8,
  };
}

class OnnxruntimeModel implements CompiledModel {
  private disposed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The last run queued on the session, settled or not (serialRuns only). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The graph's name, for error messages. */
    private readonly name: string,
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    readonly inputs: readonly TensorSpec[],
    readonly outputs: readonly TensorSpec[],
    readonly backend: BackendInfo,
    /**
     * One session.run at a time: onnxruntime-web refuses a run while another
     * is in progress on the same session ("Session already started" on its
     * wasm provider) or never settles the second one (its webgpu provider,
     * Chromium 156 on SwiftShader: over 60 s); onnxruntime-node runs them
     * concurrently.
     */
    private readonly serialRuns: boolean,
  ) {}

  async run(inputs: Readonly<Record<string, TensorLike>>): Promise<Record<string, HostTensor>> {
    if (this.disposed) throw new Error('onnxruntime: run() on a disposed model');
    checkInputNames(this.name, this.inputs, inputs);
    const feeds: Record<string, OrtTensor> = {};
    let batch: number | undefined;
    for (const spec of this.inputs) {
      const host = readHostInput(this.name, spec, inputs[spec.name]!);
      if (batch !== undefined && host.shape[0] !== batch) throw new Error(`input "${spec.name}": batch ${host.shape[0]} differs from the other inputs' ${batch}`);
      batch = host.shape[0];
      feeds[spec.name] = new this.ort.Tensor('float32', host.data, host.shape);
    }
    const pending = this.serialRuns ? this.queue.then(() => this.session.run(feeds)) : this.session.run(feeds);
    if (this.serialRuns) this.queue = pending.catch(() => undefined);
    this.inFlight.add(pending);
    let results: Record<string, OrtTensor>;
    try {
      results = await pending;
    } finally {
      this.inFlight.delete(pending);
    }
    const outputs: Record<string, HostTensor> = {};
    for (const spec of this.outputs) {
      const t = results[spec.name];
      if (!t || !(t.data instanceof Float32Array)) throw new Error(`onnxruntime: the session returned no float32 output "${spec.name}"`);
      outputs[spec.name] = { shape: [...t.dims].map(Number), data: t.data };
    }
    return outputs;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Runs already started finish first; the session's native memory goes after.
    void Promise.allSettled([...this.inFlight]).then(() => this.session.release().catch(() => undefined));
  }
}

/**
 * The 'onnxruntime' backend: each compile exports the graph to ONNX
 * (@mobilenet-kit/onnx) and opens one onnxruntime session on it, with graph
 * optimization level 'all'. Uses nothing from core but the public backend
 * contract.
 */
export function onnxruntimeBackend(options: OnnxruntimeBackendOptions = {}): Backend {
  checkThreads(options.threads, 'onnxruntimeBackend');
  checkSpinning(options.spinning, 'onnxruntimeBackend');
  checkProviders(options.executionProviders, 'onnxruntimeBackend');
  checkInt8(options.int8, 'onnxruntimeBackend');
  let runtime: Promise<Runtime> | undefined;
  const start = () => {
    runtime ??= startRuntime(options);
    runtime.catch(() => (runtime = undefined));
    return runtime;
  };
  const supported = new Set<OpName>(ONNX_EXPORTABLE_OPS);
  return {
    name: ONNXRUNTIME_BACKEND_NAME,
    supports: (op) => supported.has(op),
    init: async () => {
      await start();
    },
    async compile(graph: Graph, weights: Weights, compileOptions: CompileOptions = {}): Promise<CompiledModel> {
      const rt = await start();
      const settings = compileSettings(options, rt, compileOptions);
      const info = analyzeGraph(graph);
      const inputs: TensorSpec[] = info.inputs.map((name) => ({ name, shape: info.shapes.get(name)!, dtype: 'float32' }));
      const outputs: TensorSpec[] = graph.outputs.map((o) => ({ name: o.name, shape: info.shapes.get(o.node)!, dtype: 'float32' }));
      let bytes = toOnnx(graph, weights, { opset: settings.opset, layout: settings.layout, optimize: compileOptions.optimize !== false });
      let int8Info: { method: string } | undefined;
      if (settings.int8) {
        const q = await quantizeOnnx(bytes, {
          open: ortCalibrationSession(rt.ort, { threads: settings.threads }),
          ...(settings.int8.calibration ? { calibration: settings.int8.calibration } : {}),
          ...(settings.int8.ranges ? { ranges: settings.int8.ranges } : {}),
          ...(settings.int8.method ? { method: settings.int8.method } : {}),
          ...(settings.int8.percentile !== undefined ? { percentile: settings.int8.percentile } : {}),
        }).catch((e: Error) => {
          throw new Error(`onnxruntime: int8 quantization of graph "${graph.name}" failed: ${e.message}`, { cause: e });
        });
        bytes = q.bytes;
        int8Info = { method: settings.int8.ranges ? 'stored ranges' : q.method };
      }
      const sessionOptions: OrtSessionOptions = {
        intraOpNumThreads: settings.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        executionProviders: settings.executionProviders,
        logSeverityLevel: settings.logSeverityLevel,
        logId: graph.name,
        ...(settings.spinning !== undefined ? { extra: { session: { intra_op: { allow_spinning: settings.spinning ? '1' : '0' } } } } : {}),
      };
      let session: OrtSession;
      try {
        session = await rt.ort.InferenceSession.create(bytes, sessionOptions);
      } catch (e) {
        throw new Error(`onnxruntime (${rt.name}) could not open the exported model of graph "${graph.name}": ${(e as Error).message}`, { cause: e });
      }
      const backend: BackendInfo = {
        name: ONNXRUNTIME_BACKEND_NAME,
        runtime: rt.name,
        threads: settings.threads,
        executionProvider: settings.executionProviders[0]!,
        ...(int8Info ? { int8: true, calibration: int8Info.method } : {}),
        ...(settings.spinning !== undefined ? { spinning: settings.spinning } : {}),
      };
      const model = new OnnxruntimeModel(graph.name, rt.ort, session, inputs, outputs, backend, rt.name === 'onnxruntime-web');
      if (compileOptions.warmup) {
        const zeros: Record<string, HostTensor> = {};
        for (const spec of inputs) {
          const shape = spec.shape.map((d) => d ?? 1);
          zeros[spec.name] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
        }
        await model.run(zeros);
      }
      return model;
    },
  };
}

/** Registers the 'onnxruntime' backend in mobilenet-kit's registry (replacing one of the same name). */
export function registerOnnxruntimeBackend(options: OnnxruntimeBackendOptions = {}): Backend {
  const backend = onnxruntimeBackend(options);
  registerBackend(backend);
  return backend;
}
