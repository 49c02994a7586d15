import { importRuntime, registerOnnxruntimeBackend } from '@mobilenet-kit/backend-onnxruntime';
import { CLASSIFICATION_BACKENDS, type ClassificationBackend, startBackend } from './classification-support';
import { choiceFlag } from './flags';

/** The backends inference runs on: the tfjs ones, then the onnxruntime plugin (onnxruntime-node, an optional dependency). */
export const DETECT_BACKENDS = [...CLASSIFICATION_BACKENDS, 'onnxruntime'] as const;
export type DetectBackend = (typeof DETECT_BACKENDS)[number];

const BACKEND_CHOICES_TEXT = 'wasm (tfjs XNNPACK), cpu (plain JS, the reference) or onnxruntime (onnxruntime-node, the fastest in Node; an optional dependency)';

/** detect's --backend: without it, the fastest backend that starts (see startDefaultDetectBackend). */
export const DETECT_BACKEND_FLAG = choiceFlag({
  valueName: 'B',
  description: BACKEND_CHOICES_TEXT,
  choices: DETECT_BACKENDS,
  default: 'onnxruntime if onnxruntime-node loads and starts, else wasm; the output says which ran and why',
});

/** --backend of the other inference-only commands (classify, embed): the same choices, wasm by default. */
export const INFERENCE_BACKEND_FLAG = choiceFlag({ valueName: 'B', description: BACKEND_CHOICES_TEXT, choices: DETECT_BACKENDS, default: 'wasm' });

/**
 * Registers and starts the backend; onnxruntime's start fails with the
 * package to install when onnxruntime-node is missing. `modelsInTurn`: the
 * command runs several models one after the other (embed: detector, then
 * embedder), so onnxruntime's idle threads must not spin-wait and take the
 * cores from the model running (backend-onnxruntime README, Speed).
 */
export async function startDetectBackend(name: DetectBackend, options: { modelsInTurn?: boolean } = {}): Promise<void> {
  if (name === 'onnxruntime') await registerOnnxruntimeBackend(options.modelsInTurn ? { spinning: false } : {}).init?.();
  else await startBackend(name as ClassificationBackend);
}

/** The backend the default chose and why (shown next to the backend that ran). */
export interface DefaultBackendChoice {
  readonly name: DetectBackend;
  readonly reason: string;
}

async function onnxruntimeNodeVersion(): Promise<string | undefined> {
  try {
    return (await importRuntime('onnxruntime-node')).env.versions?.node;
  } catch {
    return undefined;
  }
}

/**
 * detect's default backend: onnxruntime when onnxruntime-node loads and starts,
 * else wasm. Measured on the 2-core development machine (bench/results): face
 * detection 108–178 ms per photo on onnxruntime (2 threads) against ~290–440 ms
 * on wasm. Not a silent fallback: the reason is returned for the output to show.
 */
export async function startDefaultDetectBackend(): Promise<DefaultBackendChoice> {
  let onnxruntimeProblem: string;
  try {
    await startDetectBackend('onnxruntime');
    const version = await onnxruntimeNodeVersion();
    return { name: 'onnxruntime', reason: `the fastest available${version !== undefined ? `, onnxruntime-node ${version}` : ''}` };
  } catch (error) {
    onnxruntimeProblem = (error as Error).message;
  }
  const reason = `onnxruntime could not start: ${onnxruntimeProblem}`;
  try {
    await startDetectBackend('wasm');
  } catch (error) {
    throw new Error(`${reason}; then wasm, the default's second choice, failed to start: ${(error as Error).message}`, { cause: error });
  }
  return { name: 'wasm', reason };
}
