/**
 * The slice of onnxruntime's JavaScript API that this backend uses, typed
 * structurally: onnxruntime-node and onnxruntime-web both expose it (through
 * onnxruntime-common), and neither package is needed to type-check a project
 * that uses only the other.
 */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly type: string;
  readonly data: unknown;
}

export interface OrtSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionProviders?: readonly string[];
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  logId?: string;
  /** Free-form session config entries (onnxruntime-common's `extra`), e.g. `{ session: { intra_op: { allow_spinning: '0' } } }`. */
  extra?: Record<string, unknown>;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  readonly env: { wasm?: { numThreads?: number }; versions?: Record<string, string> };
}

/** Which onnxruntime package runs the models. */
export type OrtRuntimeName = 'onnxruntime-node' | 'onnxruntime-web';

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

function isModuleNotFound(e: unknown, name: string): boolean {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') return String(err.message ?? '').includes(name);
  // Bundlers (Vite, webpack) word it their own way.
  return /cannot find (module|package)|failed to resolve/i.test(String(err?.message ?? '')) && String(err?.message ?? '').includes(name);
}

/** Imports one of the two packages; each `import()` names its package literally so that bundlers see it. */
export type RuntimeImporter = (name: OrtRuntimeName) => Promise<unknown>;

export const defaultImporter: RuntimeImporter = (name) => (name === 'onnxruntime-node' ? import('onnxruntime-node') : import('onnxruntime-web'));

/**
 * Loads onnxruntime. A missing package is reported by name with the command
 * that installs it; any other failure (a broken native binary) keeps its cause.
 */
export async function importRuntime(name: OrtRuntimeName, importer: RuntimeImporter = defaultImporter): Promise<OrtModule> {
  let mod: unknown;
  try {
    mod = await importer(name);
  } catch (e) {
    if (isModuleNotFound(e, name)) {
      throw new Error(
        `${name} is not installed: the 'onnxruntime' backend needs it ${name === 'onnxruntime-node' ? 'in Node' : 'in browsers'}. ` +
          `Install it next to @mobilenet-kit/backend-onnxruntime: npm install ${name}@^1.30.0`,
        { cause: e },
      );
    }
    throw new Error(`${name} failed to load: ${(e as Error).message}`, { cause: e });
  }
  const ort = ((mod as { default?: unknown }).default && !(mod as { InferenceSession?: unknown }).InferenceSession ? (mod as { default: unknown }).default : mod) as OrtModule;
  if (typeof ort?.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function') {
    throw new Error(`${name} loaded, but it has no InferenceSession.create or Tensor: not an onnxruntime package this backend knows (expected ^1.30)`);
  }
  return ort;
}
