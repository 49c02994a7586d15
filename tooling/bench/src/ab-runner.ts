import { performance } from 'node:perf_hooks';
import type { PeakMemory } from './memory';
import { summarize, type Timing } from './stats';

export interface AbOptions {
  readonly warmup: number;
  readonly runs: number;
  readonly memory?: PeakMemory;
  /**
   * Runs per turn (default 1: A, B, A, B, …). With n > 1, each side runs n
   * timed runs in a row after one untimed run: for engines whose idle worker
   * threads spin-wait after a run (onnxruntime's intra-op pool), so that one
   * side's spinning threads do not take the cores from the other's runs.
   */
  readonly block?: number;
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
  const time = async (fn: () => Promise<void>, out: number[]) => {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
    options.memory?.sample();
  };
  const block = options.block ?? 1;
  if (block > 1) {
    for (let turn = 0; ta.length < options.runs || tb.length < options.runs; turn++) {
      const sides = turn % 2 === 0 ? ([[a, ta], [b, tb]] as const) : ([[b, tb], [a, ta]] as const);
      for (const [fn, out] of sides) {
        const n = Math.min(block, options.runs - out.length);
        if (n <= 0) continue;
        await fn(); // untimed: the other side's threads may still be spinning
        for (let k = 0; k < n; k++) await time(fn, out);
      }
    }
    return { a: summarize(ta), b: summarize(tb) };
  }
  for (let i = 0; i < options.runs; i++) {
    // Alternate which goes first, so neither always runs right after the other.
    const order = i % 2 === 0 ? ([a, ta, b, tb] as const) : ([b, tb, a, ta] as const);
    for (const [fn, out] of [[order[0], order[1]], [order[2], order[3]]] as const) await time(fn, out);
  }
  return { a: summarize(ta), b: summarize(tb) };
}
