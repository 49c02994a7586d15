import * as os from 'node:os';
import { CLASSIFICATION_BACKENDS, type ClassificationBackend, startBackend } from './classification-support';
import { choiceFlag } from './flags';
import type { CliIo } from './io';

/**
 * The one backend rule of the command line. Every command that runs a
 * network takes --backend with these choices (the training commands: the tfjs
 * ones, BACKEND_FLAG in classification-support.ts) and the same default: the
 * fastest that starts on this machine (onnxruntime, then wasm, then cpu),
 * with the reason. startCommandBackend starts it and prints one line saying
 * what runs, on how many threads; a backend named with --backend that cannot
 * start is an error (exit 1), never a silent fallback.
 *
 * Nothing heavy is imported at the top of this file: command files import
 * the flag from here, and their --help must not load tfjs or onnxruntime.
 */
export const DETECT_BACKENDS = [...CLASSIFICATION_BACKENDS, 'onnxruntime'] as const;
export type DetectBackend = (typeof DETECT_BACKENDS)[number];
/** The same list under the name the other commands use. */
export const INFERENCE_BACKENDS = DETECT_BACKENDS;

/** The order the default tries: fastest first (bench/results: onnxruntime 4.4 ms, wasm ≈ 39 ms, cpu ≈ 1.4 s for MobileNet 1.0-224 on 2 cores). */
const INFERENCE_ORDER: readonly DetectBackend[] = ['onnxruntime', 'wasm', 'cpu'];
const TRAINING_ORDER: readonly ClassificationBackend[] = ['wasm', 'cpu'];

/** --backend of every command that runs a network without training it. */
export const INFERENCE_BACKEND_FLAG = choiceFlag({
  valueName: 'B',
  description: 'onnxruntime (onnxruntime-node, the fastest in Node; an optional dependency), wasm (tfjs XNNPACK) or cpu (plain JS, the slow reference)',
  choices: DETECT_BACKENDS,
  default: 'the fastest that starts here: onnxruntime, else wasm, else cpu; a line on stderr (and backend in --json) says which ran and why',
});
/** detect's --backend: the same flag. */
export const DETECT_BACKEND_FLAG = INFERENCE_BACKEND_FLAG;

/**
 * Registers and starts the backend; onnxruntime's start fails with the
 * package to install when onnxruntime-node is missing. `modelsInTurn`: the
 * command runs several models one after the other (embed: detector, then
 * embedder), so onnxruntime's idle threads must not spin-wait and take the
 * cores from the model running (backend-onnxruntime README, Speed).
 */
export async function startDetectBackend(name: DetectBackend, options: { modelsInTurn?: boolean; wasmThreads?: number } = {}): Promise<void> {
  if (name === 'onnxruntime') {
    const { registerOnnxruntimeBackend } = await import('@mobilenet-kit/backend-onnxruntime');
    await registerOnnxruntimeBackend(options.modelsInTurn ? { spinning: false } : {}).init?.();
  } else await startBackend(name as ClassificationBackend, options.wasmThreads !== undefined ? { wasmThreads: options.wasmThreads } : {});
}

/** The backend the default chose and why (shown next to the backend that ran). */
export interface DefaultBackendChoice {
  readonly name: DetectBackend;
  readonly reason: string;
}

async function versionOf(name: DetectBackend): Promise<string | undefined> {
  try {
    if (name === 'onnxruntime') {
      const { importRuntime } = await import('@mobilenet-kit/backend-onnxruntime');
      const v = (await importRuntime('onnxruntime-node')).env.versions?.node;
      return v !== undefined ? `onnxruntime-node ${v}` : undefined;
    }
    const tf = await import('@tensorflow/tfjs-core');
    return `tfjs ${tf.version_core}`;
  } catch {
    return undefined;
  }
}

/**
 * Tries `order` in turn and starts the first that starts; the reason names
 * each one passed over and why. Throws when none starts.
 */
async function startFastest<B extends DetectBackend>(order: readonly B[], options: { modelsInTurn?: boolean; wasmThreads?: number }): Promise<DefaultBackendChoice & { name: B }> {
  const problems: string[] = [];
  for (const name of order) {
    try {
      await startDetectBackend(name, options);
      const version = await versionOf(name);
      const skipped = problems.length ? `; ${problems.join('; ')}` : '';
      return { name, reason: `${problems.length ? 'the fastest that started' : 'the fastest available'}${version !== undefined ? `, ${version}` : ''}${skipped}` };
    } catch (error) {
      problems.push(`${name} could not start: ${(error as Error).message}`);
    }
  }
  throw new Error(`no backend could start: ${problems.join('; ')}`);
}

/**
 * The inference default: onnxruntime when onnxruntime-node loads and starts,
 * else wasm, else cpu. Measured on the 2-core development machine
 * (bench/results): face detection 108–178 ms per photo on onnxruntime (2
 * threads) against ~290–440 ms on wasm. Not a silent fallback: the reason is
 * returned for the output to show.
 */
export async function startDefaultDetectBackend(options: { modelsInTurn?: boolean } = {}): Promise<DefaultBackendChoice> {
  return startFastest(INFERENCE_ORDER, options);
}

/** What a command runs on, as its backend line and its --json `backend` show. */
export interface StartedBackend {
  readonly name: DetectBackend;
  /** Threads one model runs on: onnxruntime's intra-op threads, 1 for tfjs wasm in Node (tfjs turns its threads off) and cpu. */
  readonly threads: number;
  /** Why this backend: `named with --backend`, or the default's reason. */
  readonly reason: string;
  /** True when --backend was not given. */
  readonly default: boolean;
}

/** Printed once, with the backend line, when cpu runs. */
export const CPU_NOTE = 'note: cpu is the plain-JS reference path, tens of times slower than wasm (≈1.4 s against ≈39 ms for MobileNet 1.0-224); use it to check results, not for speed';

async function threadsOf(name: DetectBackend, options: { threads?: number }): Promise<number> {
  if (name === 'onnxruntime') return options.threads ?? os.availableParallelism();
  if (name === 'wasm') {
    try {
      // Through backend-wasm, which loads tfjs by require in Node (an ESM import of tfjs's CommonJS costs ~200 ms cold).
      return (await import('@mobilenet-kit/backend-wasm')).wasmThreadsCount();
    } catch {
      return 1;
    }
  }
  return 1;
}

/** `backend: onnxruntime, 2 threads (the fastest available, onnxruntime-node 1.30.0)`. */
export function backendLine(started: StartedBackend): string {
  return `backend: ${started.name}, ${started.threads} thread${started.threads === 1 ? '' : 's'} (${started.reason})`;
}

/**
 * Starts the backend a command runs on, by the one rule: `requested` when
 * --backend named it (an error when it cannot start), else the fastest that
 * starts (inference: onnxruntime, wasm, cpu; `training`: wasm, cpu). Writes
 * the backend line to stderr unless `json` (the caller then puts the
 * returned object under `backend`), and, on cpu, the note that it is the slow reference path.
 */
export async function startCommandBackend(
  requested: DetectBackend | undefined,
  io: CliIo,
  options: { training?: boolean; modelsInTurn?: boolean; json?: boolean; threads?: number; wasmThreads?: number } = {},
): Promise<StartedBackend> {
  let name: DetectBackend;
  let reason: string;
  if (requested !== undefined) {
    if (options.training && !(CLASSIFICATION_BACKENDS as readonly string[]).includes(requested)) {
      throw new Error(`--backend ${requested} cannot train (no gradients); training runs on ${CLASSIFICATION_BACKENDS.join(' or ')}`);
    }
    try {
      await startDetectBackend(requested, options);
    } catch (error) {
      throw new Error(`the ${requested} backend failed to start: ${(error as Error).message}`, { cause: error });
    }
    name = requested;
    reason = 'named with --backend';
  } else {
    ({ name, reason } = options.training ? await startFastest(TRAINING_ORDER, options) : await startFastest(INFERENCE_ORDER, options));
  }
  const started: StartedBackend = { name, threads: await threadsOf(name, options), reason, default: requested === undefined };
  if (!options.json) io.stderr.write(`${backendLine(started)}\n`);
  if (name === 'cpu') io.stderr.write(`${CPU_NOTE}\n`);
  return started;
}
