import type { Graph, OpName, Shape, Weights } from './types';

/**
 * The backend contract: a backend turns a graph and its weights into a
 * CompiledModel. Backends register themselves in core's registry
 * (`registry.ts`) and are asked for by name; a head never imports a backend.
 */

/** Host data of one tensor: row-major values and their shape. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * What `run` accepts per input: host data, or any tensor object with `shape`
 * and `dataSync()`/`data()` (a tfjs tensor; backends on tfjs use it as is).
 */
export type TensorLike = HostTensor | { readonly shape: readonly number[]; dataSync(): ArrayLike<number>; readonly dtype?: string };

export interface TensorSpec {
  readonly name: string;
  /** Shape with `null` for the symbolic batch dimension. */
  readonly shape: Shape;
  readonly dtype: 'float32';
}

export interface CompileOptions {
  /** Backend name; required by `compile()` (there is no silent default). */
  readonly backend?: string;
  /** Run the inference passes (strip dropout, fold BN, fuse activations) first. Default true. */
  readonly optimize?: boolean;
  /** Run the model once on zeros at compile time so that the first user-visible run is not the slow one. */
  readonly warmup?: boolean;
  /** Backend-specific settings (e.g. thread count), documented by each backend. */
  readonly backendOptions?: Readonly<Record<string, unknown>>;
}

/** Which backend ran, and how (e.g. `{ name: 'wasm', simd: true, threads: 1 }`). */
export interface BackendInfo {
  readonly name: string;
  readonly [detail: string]: string | number | boolean;
}

export interface CompiledModel {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** The backend that actually runs this model. */
  readonly backend: BackendInfo;
  /** Runs the model; outputs are keyed by the graph's output names. */
  run(inputs: Readonly<Record<string, TensorLike>>): Promise<Record<string, HostTensor>>;
  /** Frees everything the model holds (uploaded weights, caches). */
  dispose(): void;
}

export interface Backend {
  readonly name: string;
  supports(op: OpName): boolean;
  /**
   * Starts the engine if needed. Throws with the reason when it cannot start;
   * the registry reports that error and never falls back to another backend.
   */
  init?(): Promise<void>;
  compile(graph: Graph, weights: Weights, options?: CompileOptions): Promise<CompiledModel>;
}
