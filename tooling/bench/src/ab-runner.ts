import { performance } from 'node:perf_hooks';
import type { PeakMemory } from './memory';
import { summarize, type Timing } from './stats';

export interface AbOptions {
  readonly warmup: number;
  readonly runs: number;
  readonly memory?: PeakMemory;
}

/**
 * Times two implementations of the same work alternately (A, B, A, B, …)
 * after warming both up, so that drift in the machine's speed (the other
 * core busy, thermal state, GC) hits both alike; compare medians.
 */
export async function alternateAB(a: () => Promise<void>, b: () => Promise<void>, options: AbOptions): Promise<{ a: Timing; b: Timing }> {
  for (let i = 0; i < options.warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    // Alternate which goes first, so neither always runs right after the other.
    const order = i % 2 === 0 ? ([a, ta, b, tb] as const) : ([b, tb, a, ta] as const);
    for (const [fn, out] of [[order[0], order[1]], [order[2], order[3]]] as const) {
      const t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
      options.memory?.sample();
    }
  }
  return { a: summarize(ta), b: summarize(tb) };
}
