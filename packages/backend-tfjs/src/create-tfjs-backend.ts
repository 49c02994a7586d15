import { analyzeGraph, type Backend, type BackendInfo, type CompiledModel, type CompileOptions, type Graph, OP_NAMES, type OpName, optimizeForInference, type Weights } from '@mobilenet-kit/core';
import { withTfBackend } from './active-backend';
import { type LowerGraphOptions, lowerGraph } from './lower-graph';
import type { LoweringTable } from './lowerings/lowering';
import { TfjsCompiledModel } from './tfjs-compiled-model';
import type { Tfjs } from './tfjs-types';

export interface TfjsBackendConfig {
  /** The name in mobilenet-kit's registry ('cpu', 'wasm', …). */
  readonly name: string;
  /** The tfjs namespace the app uses (one copy of tfjs per app). */
  readonly tf: Tfjs;
  /** The tfjs backend to run on ('cpu', 'wasm', 'webgl'); its package must be imported. */
  readonly tfBackendName: string;
  /** Prepares the tfjs backend before its first use (e.g. wasm paths); throws the reason if it cannot. */
  readonly init?: () => Promise<void>;
  /** Details for BackendInfo, read once the backend runs (e.g. `{ simd: true, threads: 1 }`). */
  readonly info?: () => Promise<Readonly<Record<string, string | number | boolean>>>;
  /** Use tfjs's fused kernels where the backend has them (default true); `backendOptions.fused` overrides it per model. */
  readonly fused?: boolean;
  /** Backend-specific lowerings of some ops. */
  readonly lowerings?: Partial<LoweringTable>;
}

/** What `compile` reads from `options.backendOptions` on every tfjs backend. */
export interface TfjsBackendOptions {
  /** false: lower conv/depthwise/dense as separate conv, add and activation ops (for A/B comparisons). */
  readonly fused?: boolean;
}

/**
 * A mobilenet-kit backend on a tfjs backend. Compiling runs core's inference
 * passes (unless `optimize: false`), lowers the graph onto tfjs ops and
 * uploads the weights once; see TfjsCompiledModel for running.
 */
export function createTfjsBackend(config: TfjsBackendConfig): Backend {
  const { name, tf, tfBackendName } = config;
  let starting: Promise<void> | undefined;
  let info: Promise<BackendInfo> | undefined;

  const start = (): Promise<void> => {
    if (!starting) {
      starting = (async () => {
        await config.init?.();
        await withTfBackend(tf, tfBackendName, () => undefined);
      })();
      starting.catch(() => {
        starting = undefined;
      });
    }
    return starting;
  };

  const backendInfo = (): Promise<BackendInfo> => {
    if (!info) {
      info = (async () => {
        const { name: _n, tfjsBackend: _t, ...details } = config.info ? await config.info() : {};
        return { name, tfjsBackend: tfBackendName, ...details };
      })();
      info.catch(() => {
        info = undefined;
      });
    }
    return info;
  };

  return {
    name,
    supports: (op: OpName) => OP_NAMES.includes(op),
    init: start,
    async compile(graph: Graph, weights: Weights, options: CompileOptions = {}): Promise<CompiledModel> {
      const fusedOption = (options.backendOptions as TfjsBackendOptions | undefined)?.fused;
      if (fusedOption !== undefined && typeof fusedOption !== 'boolean') {
        throw new TypeError(`backend "${name}": backendOptions.fused must be a boolean, got ${JSON.stringify(fusedOption)}`);
      }
      await start();
      analyzeGraph(graph);
      const prepared = options.optimize === false ? { graph, weights } : optimizeForInference(graph, weights);
      const lowerOptions: LowerGraphOptions = { fused: fusedOption ?? config.fused ?? true, tfBackendName, lowerings: config.lowerings };
      const lowered = await withTfBackend(tf, tfBackendName, () => lowerGraph(prepared.graph, prepared.weights, tf, lowerOptions));
      let model: TfjsCompiledModel | undefined;
      try {
        model = new TfjsCompiledModel(tf, tfBackendName, lowered, await backendInfo());
        if (options.warmup) await model.warmup();
        return model;
      } catch (e) {
        if (model) model.dispose();
        else lowered.dispose();
        throw e;
      }
    },
  };
}
