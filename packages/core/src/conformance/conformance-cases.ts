import type { HostTensor } from '../backend';
import { runReference } from '../reference/run-reference';
import { checkBackend, type Fixture } from './check';
import { contractCaseSpecs } from './contract-cases';
import type { ConformanceGroup } from './case-spec';
import type { Tolerance } from './compare';
import { MODEL_CASES } from './model-cases';
import { conformanceMobileNetV1 } from './mobilenet-v1';
import { opCaseSpecs } from './op-cases';
import { passCaseSpecs } from './pass-cases';
import { createPrng, seedFor } from './prng';
import { randomInputs, randomWeights } from './random-tensors';

/** One check of a backend; `run` throws an Error that says what differs, or resolves. */
export interface ConformanceCase {
  readonly group: ConformanceGroup;
  readonly name: string;
  run(): Promise<void>;
}

export interface ConformanceOptions {
  /** The registered backend to test (`compile(graph, weights, { backend })`). */
  readonly backend: string;
  /**
   * Allowed error per element, `|actual − expected| ≤ atol + rtol·|expected|`:
   * one tolerance for every group, or one per group. Defaults: DEFAULT_TOLERANCES.
   */
  readonly tolerance?: Tolerance | Partial<Readonly<Record<ConformanceGroup, Tolerance>>>;
  /** A smaller list (kernel 3 grids, the two smallest MobileNets) for fast runs. Default false. */
  readonly quick?: boolean;
  /** Seed of every shape, weight and input. Default 1. */
  readonly seed?: number;
  /** Include whole MobileNets. Default true. */
  readonly models?: boolean;
  /** Include the contract cases (specs, backend name, bad inputs, dispose, concurrent runs). Default true. */
  readonly contract?: boolean;
  /**
   * How many things the backend holds now (tfjs: `() => tf.memory().numTensors`): adds the contract case
   * that compiling, running and disposing a model leaves the count as it was.
   */
  readonly resources?: () => number;
}

/**
 * Default tolerances. Ops and passes compare small graphs, where float32
 * rounding stays near 1e-6; whole MobileNets chain 28 layers, so they get
 * ten times more room (outputs are O(1): logits, pooled features).
 */
export const DEFAULT_TOLERANCES: Readonly<Record<ConformanceGroup, Tolerance>> = {
  ops: { atol: 1e-4, rtol: 1e-4 },
  passes: { atol: 1e-4, rtol: 1e-4 },
  models: { atol: 1e-3, rtol: 1e-3 },
  contract: { atol: 1e-6, rtol: 1e-6 },
};

function toleranceFor(group: ConformanceGroup, option: ConformanceOptions['tolerance']): Tolerance {
  if (!option) return DEFAULT_TOLERANCES[group];
  if ('atol' in option && 'rtol' in option) return option as Tolerance;
  return (option as Partial<Record<ConformanceGroup, Tolerance>>)[group] ?? DEFAULT_TOLERANCES[group];
}

/** Builds a value on first use and keeps it (model fixtures are shared by the BN and the folded case). */
function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/**
 * The backend conformance suite as plain data: each case compiles a graph on
 * `options.backend` through core's registry, runs it, and compares every
 * output with the reference interpreter (`runReference`) within the
 * tolerance. Runner-agnostic; with vitest:
 *
 * ```ts
 * for (const c of conformanceCases({ backend: 'cpu' })) it(`${c.group}: ${c.name}`, c.run);
 * ```
 *
 * Groups: `ops` (every op over seeded random shapes, both paddings, strides
 * 1 and 2, kernels 1, 3, 5, odd and even inputs, fused bias and
 * activations), `passes` (each graph before and after foldBatchNorm,
 * fuseActivations, stripTrainingOps, optimizeForInference, compiled with
 * optimize: false) and `models` (MobileNet v1 0.25-128, 0.5-160 and, unless
 * quick, 1.0-224, with BN and optimize: false, then folded with optimize: true)
 * and `contract` (the CompiledModel's promises beyond numbers: its input and
 * output specs are the graph's, it names its backend, wrong shapes, ranks,
 * value counts, missing and unknown inputs are refused naming the input,
 * run() after dispose() is an Error and a second dispose() is safe,
 * concurrent runs equal the same runs one at a time, and with `resources`
 * nothing is left behind).
 */
export function conformanceCases(options: ConformanceOptions): ConformanceCase[] {
  const { backend, quick = false, seed = 1, models = true, contract = true } = options;
  if (typeof backend !== 'string' || backend.length === 0) throw new Error('conformanceCases: options.backend must name a registered backend');
  const cases: ConformanceCase[] = [];
  const label = (group: ConformanceGroup, name: string) => `conformance ${group}: ${name}`;

  for (const spec of opCaseSpecs(seed)) {
    if (quick && !spec.quick) continue;
    const tolerance = toleranceFor('ops', options.tolerance);
    cases.push({
      group: 'ops',
      name: spec.name,
      async run() {
        const fixture = spec.build(createPrng(seedFor(seed, `ops:${spec.name}`)));
        const expected = runReference(fixture.graph, fixture.weights, fixture.inputs);
        await checkBackend(label('ops', spec.name), backend, fixture, expected, false, tolerance);
      },
    });
  }

  for (const spec of passCaseSpecs()) {
    if (quick && !spec.quick) continue;
    const tolerance = toleranceFor('passes', options.tolerance);
    cases.push({
      group: 'passes',
      name: spec.name,
      async run() {
        const before = spec.build(createPrng(seedFor(seed, `passes:${spec.name}`)));
        const after = spec.pass(before.graph, before.weights);
        const changed = after.graph.nodes.length !== before.graph.nodes.length || after.graph.nodes.some((n, i) => n !== before.graph.nodes[i]);
        if (changed !== spec.expectChange) {
          throw new Error(`${label('passes', spec.name)}: ${spec.passName} ${changed ? 'changed' : 'did not change'} the graph, expected it ${spec.expectChange ? 'to' : 'not to'}`);
        }
        const expected = runReference(before.graph, before.weights, before.inputs);
        await checkBackend(`${label('passes', spec.name)} (graph before ${spec.passName})`, backend, before, expected, false, tolerance);
        const afterFixture: Fixture = { graph: after.graph, weights: after.weights, inputs: before.inputs };
        await checkBackend(`${label('passes', spec.name)} (graph after ${spec.passName})`, backend, afterFixture, expected, false, tolerance);
      },
    });
  }

  if (models) {
    for (const spec of MODEL_CASES) {
      if (quick && !spec.quick) continue;
      const tolerance = toleranceFor('models', options.tolerance);
      const model = `MobileNet v1 ${spec.alpha.toFixed(2)}-${spec.resolution} batch ${spec.batch}`;
      const shared = lazy((): { fixture: Fixture; expected: Record<string, HostTensor> } => {
        const graph = conformanceMobileNetV1({ alpha: spec.alpha, resolution: spec.resolution });
        const prng = createPrng(seedFor(seed, `models:${model}`));
        const fixture: Fixture = { graph, weights: randomWeights(graph, prng), inputs: randomInputs(graph, prng, spec.batch) };
        return { fixture, expected: runReference(fixture.graph, fixture.weights, fixture.inputs) };
      });
      for (const optimize of [false, true]) {
        const name = `${model}, ${optimize ? 'BN folded' : 'with BN'}`;
        cases.push({
          group: 'models',
          name,
          async run() {
            const { fixture, expected } = shared();
            await checkBackend(label('models', name), backend, fixture, expected, optimize, tolerance);
          },
        });
      }
    }
  }

  if (contract) {
    for (const spec of contractCaseSpecs(seed, options.resources)) {
      cases.push({
        group: 'contract',
        name: spec.name,
        async run() {
          try {
            await spec.run(backend);
          } catch (e) {
            throw new Error(`${label('contract', spec.name)} on backend "${backend}": ${(e as Error).message}`, { cause: e });
          }
        },
      });
    }
  }

  const names = new Set<string>();
  for (const c of cases) {
    const key = `${c.group}: ${c.name}`;
    if (names.has(key)) throw new Error(`conformanceCases: duplicate case name "${key}"`);
    names.add(key);
  }
  return cases;
}
