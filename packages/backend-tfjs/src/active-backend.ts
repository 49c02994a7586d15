import type { Tfjs } from './tfjs-types';

/**
 * Calls tf.setBackend while recording what is logged through console.warn:
 * tfjs (and Emscripten, for wasm) report why a backend failed to start only
 * there, and setBackend itself just resolves to false. The messages are still
 * passed on to the original console.warn.
 */
async function setBackendRecordingWarnings(tf: Tfjs, name: string): Promise<{ ok: boolean; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  const recorder = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    original.apply(console, args);
  };
  console.warn = recorder;
  try {
    return { ok: await tf.setBackend(name), warnings };
  } finally {
    if (console.warn === recorder) console.warn = original;
  }
}

/**
 * tfjs has one global active backend. Every model switches to its own before
 * it touches tensors; `tf.setBackend` resolves to false when a backend cannot
 * start, so the boolean is always checked, and `tf.getBackend()` alone is not
 * trusted (it can name a backend that failed). A failure throws with the
 * reason tfjs logged.
 */
export async function activateTfBackend(tf: Tfjs, name: string): Promise<void> {
  if (tf.getBackend() === name && tf.findBackend(name)) return;
  const known = Object.keys(tf.engine().registryFactory);
  if (!known.includes(name)) {
    throw new Error(`no tfjs backend "${name}" is registered with tfjs (registered: ${known.join(', ') || 'none'}); import its tfjs package`);
  }
  let result: { ok: boolean; warnings: string[] };
  try {
    result = await setBackendRecordingWarnings(tf, name);
  } catch (e) {
    throw new Error(`tf.setBackend('${name}') threw: ${(e as Error).message}`, { cause: e });
  }
  if (!result.ok) {
    const reasons = result.warnings.filter((w) => !w.startsWith(`Initialization of backend ${name} failed`)).map((w) => w.split('\n')[0]!.trim());
    const reason = reasons.length ? reasons.join('; ').slice(0, 600) : 'tfjs gave no reason (its warnings are silenced when the PROD or IS_TEST flag is set)';
    throw new Error(`tf.setBackend('${name}') returned false: ${reason}`);
  }
}

/** One queue per tfjs namespace: switching the backend and the work after it happen as one step. */
const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `fn` synchronously with `name` as the active tfjs backend. Calls on the
 * same tfjs copy are queued, so that models on different backends that run at
 * the same time do not switch tfjs under each other; the backend is checked
 * once more right before `fn`, with no await in between, in case code outside
 * mobilenet-kit switched it.
 */
export function withTfBackend<T>(tf: Tfjs, name: string, fn: () => T): Promise<T> {
  const previous = queues.get(tf) ?? Promise.resolve();
  const turn = previous.then(async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await activateTfBackend(tf, name);
      if (tf.getBackend() === name) return fn();
    }
    throw new Error(`could not keep tfjs backend "${name}" active: something else keeps switching tfjs to another backend`);
  });
  queues.set(
    tf,
    turn.then(
      () => undefined,
      () => undefined,
    ),
  );
  return turn;
}
