import type { HostTensor } from '../backend';
import { compile } from '../registry';
import type { Graph, Weights } from '../types';
import { assertOutputsClose, type Tolerance } from './compare';

/** A graph with its weights and inputs: what one case runs. */
export interface Fixture {
  readonly graph: Graph;
  readonly weights: Weights;
  readonly inputs: Readonly<Record<string, HostTensor>>;
}

/**
 * Compiles `fixture` on `backend` (through core's registry, as an app
 * would), runs it once, compares every output with `expected` and disposes
 * the model whatever happens.
 */
export async function checkBackend(
  label: string,
  backend: string,
  fixture: Fixture,
  expected: Readonly<Record<string, HostTensor>>,
  optimize: boolean,
  tolerance: Tolerance,
): Promise<void> {
  const model = await compile(fixture.graph, fixture.weights, { backend, optimize });
  try {
    const actual = await model.run(fixture.inputs);
    assertOutputsClose(`${label} on backend "${backend}" (optimize: ${optimize})`, expected, actual, tolerance);
  } finally {
    model.dispose();
  }
}
