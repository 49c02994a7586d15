import type { Tfjs } from './tfjs-types';

/**
 * tfjs has one global active backend. Every model switches to its own before
 * it touches tensors; `tf.setBackend` resolves to false (and only logs why)
 * when a backend cannot start, so the boolean is always checked, and
 * `tf.getBackend()` alone is not trusted (it can name a backend that failed).
 */
export async function activateTfBackend(tf: Tfjs, name: string): Promise<void> {
  if (tf.getBackend() === name && tf.findBackend(name)) return;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(`tf.setBackend('${name}') threw: ${(e as Error).message}`, { cause: e });
  }
  if (!ok) {
    const known = Object.keys(tf.engine().registryFactory);
    throw new Error(
      known.includes(name)
        ? `tf.setBackend('${name}') returned false: the tfjs backend "${name}" failed to initialize (tfjs logged the reason as a warning)`
        : `tf.setBackend('${name}') returned false: no tfjs backend "${name}" is registered (registered: ${known.join(', ') || 'none'})`,
    );
  }
}

/**
 * Runs `fn` synchronously with `name` as the active tfjs backend. Another
 * model may switch the backend while this one awaits, so the check is made
 * again right before `fn`, with no await in between.
 */
export async function withTfBackend<T>(tf: Tfjs, name: string, fn: () => T): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await activateTfBackend(tf, name);
    if (tf.getBackend() === name) return fn();
  }
  throw new Error(`could not keep tfjs backend "${name}" active: other models switch tfjs to another backend concurrently`);
}
