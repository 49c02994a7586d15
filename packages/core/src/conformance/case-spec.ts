import type { Prng } from './prng';
import type { Fixture } from './check';

/** The three groups of the suite. */
export type ConformanceGroup = 'ops' | 'passes' | 'models';

/** One op case before it is bound to a backend: a name and how to build its fixture. */
export interface OpCaseSpec {
  readonly name: string;
  /** Part of the quick subset. */
  readonly quick: boolean;
  /** Builds the graph, weights and inputs from the case's own PRNG stream. */
  build(prng: Prng): Fixture;
}
