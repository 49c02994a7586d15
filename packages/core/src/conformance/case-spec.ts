import type { Prng } from './prng';
import type { Fixture } from './check';

/** The groups of the suite: numbers against the reference (ops, passes, models) and the CompiledModel contract. */
export type ConformanceGroup = 'ops' | 'passes' | 'models' | 'contract';

/** One op case before it is bound to a backend: a name and how to build its fixture. */
export interface OpCaseSpec {
  readonly name: string;
  /** Part of the quick subset. */
  readonly quick: boolean;
  /** Builds the graph, weights and inputs from the case's own PRNG stream. */
  build(prng: Prng): Fixture;
}
