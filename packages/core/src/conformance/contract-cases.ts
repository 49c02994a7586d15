import type { CompiledModel, HostTensor, TensorLike, TensorSpec } from '../backend';
import { formatShape } from '../errors';
import { analyzeGraph } from '../graph';
import { GraphBuilder } from '../graph-builder';
import { compile, getBackend } from '../registry';
import type { Graph, Weights } from '../types';
import { assertOutputsClose } from './compare';
import { createPrng, seedFor } from './prng';
import { randomTensor, randomWeights } from './random-tensors';

/**
 * The contract a CompiledModel keeps beyond its numbers: its specs are the
 * graph's, it names its backend, it refuses bad inputs and runs after
 * dispose, concurrent runs do not mix, and (when the backend can count what
 * it holds) it leaks nothing. Each check is a named case of the suite.
 */
export interface ContractCaseSpec {
  readonly name: string;
  run(backend: string): Promise<void>;
}

/** A small two-output graph: conv + relu → pooled features, → dense logits. */
function contractGraph(): Graph {
  const b = new GraphBuilder('contract');
  const x = b.input('image', [null, 6, 6, 3]);
  const conv = b.add('conv', 'conv2d', [x], { filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' });
  const pool = b.add('pool', 'globalAvgPool', [conv], {});
  const fc = b.add('fc', 'dense', [pool], { units: 5, useBias: true });
  return b.output(fc, 'logits').output(pool, 'features').build();
}

function fixture(seed: number): { graph: Graph; weights: Weights; image: (batch: number, k: number) => HostTensor } {
  const graph = contractGraph();
  const prng = createPrng(seedFor(seed, 'contract'));
  const weights = randomWeights(graph, prng);
  return { graph, weights, image: (batch, k) => randomTensor([batch, 6, 6, 3], createPrng(seedFor(seed, `contract image ${k}`))) };
}

/** The specs the graph itself gives (what every backend must report). */
function graphSpecs(graph: Graph): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const info = analyzeGraph(graph);
  return {
    inputs: graph.nodes.filter((n) => n.op === 'input').map((n) => ({ name: n.name, shape: info.shapes.get(n.name)!, dtype: 'float32' as const })),
    outputs: graph.outputs.map((o) => ({ name: o.name, shape: info.shapes.get(o.node)!, dtype: 'float32' as const })),
  };
}

const describeSpecs = (specs: readonly TensorSpec[]) => specs.map((s) => `${s.name} ${formatShape(s.shape)} ${s.dtype}`).join(', ') || 'none';

/** Runs `run` and returns the error it throws or rejects with, or undefined. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (e) {
    return e ?? new Error(String(e));
  }
}

async function withModel<T>(backend: string, seed: number, use: (model: CompiledModel, f: ReturnType<typeof fixture>) => Promise<T>): Promise<T> {
  const f = fixture(seed);
  const model = await compile(f.graph, f.weights, { backend, optimize: false });
  try {
    return await use(model, f);
  } finally {
    model.dispose();
  }
}

/**
 * The contract cases. `resources`, when the backend can say how many things
 * it holds (tfjs: `() => tf.memory().numTensors`), adds the leak case.
 */
export function contractCaseSpecs(seed: number, resources?: () => number): ContractCaseSpec[] {
  const refuses = (name: string, what: string, inputs: (f: ReturnType<typeof fixture>) => Record<string, TensorLike>, mustName: string): ContractCaseSpec => ({
    name,
    run: (backend) =>
      withModel(backend, seed, async (model, f) => {
        const e = await failure(() => model.run(inputs(f)));
        if (e === undefined) throw new Error(`${what}: run() accepted it, expected an Error`);
        if (!(e instanceof Error)) throw new Error(`${what}: run() threw ${String(e)}, expected an Error`);
        if (!e.message.includes(mustName)) throw new Error(`${what}: the error does not name "${mustName}": ${e.message}`);
      }),
  });

  const cases: ContractCaseSpec[] = [
    {
      name: 'input and output specs are the graph’s (names, shapes with a free batch, float32)',
      run: (backend) =>
        withModel(backend, seed, async (model, f) => {
          const want = graphSpecs(f.graph);
          const same = (a: readonly TensorSpec[], b: readonly TensorSpec[]) => a.length === b.length && a.every((s, i) => s.name === b[i]!.name && s.dtype === b[i]!.dtype && formatShape(s.shape) === formatShape(b[i]!.shape));
          if (!Array.isArray(model.inputs) || !same(model.inputs, want.inputs)) throw new Error(`inputs are [${describeSpecs(model.inputs ?? [])}], the graph's are [${describeSpecs(want.inputs)}]`);
          if (!Array.isArray(model.outputs) || !same(model.outputs, want.outputs)) throw new Error(`outputs are [${describeSpecs(model.outputs ?? [])}], the graph's are [${describeSpecs(want.outputs)}]`);
        }),
    },
    {
      name: 'the model names the backend that runs it',
      run: (backend) =>
        withModel(backend, seed, async (model) => {
          const registered = getBackend(backend).name;
          if (model.backend?.name !== registered) throw new Error(`model.backend.name is ${JSON.stringify(model.backend?.name)}, the backend is registered as "${registered}"`);
        }),
    },
    {
      name: 'run() gives every output, with the batch of its input',
      run: (backend) =>
        withModel(backend, seed, async (model, f) => {
          const out = await model.run({ image: f.image(3, 0) });
          for (const [name, shape] of [['logits', [3, 5]], ['features', [3, 4]]] as const) {
            const t = out[name];
            if (!t) throw new Error(`output "${name}" is missing (got ${Object.keys(out).join(', ') || 'nothing'})`);
            if (formatShape(t.shape) !== formatShape(shape)) throw new Error(`output "${name}" has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
            if (!(t.data instanceof Float32Array) || t.data.length !== shape[0] * shape[1]) throw new Error(`output "${name}" data is not a Float32Array of ${shape[0] * shape[1]} values`);
          }
        }),
    },
    {
      name: 'concurrent runs give what the same runs give one at a time',
      run: (backend) =>
        withModel(backend, seed, async (model, f) => {
          const inputs = [1, 2, 3, 4].map((k) => ({ image: f.image(k, k) }));
          const oneByOne: Record<string, HostTensor>[] = [];
          for (const i of inputs) oneByOne.push(await model.run(i));
          const together = await Promise.all(inputs.map((i) => model.run(i)));
          together.forEach((out, k) => assertOutputsClose(`concurrent run ${k + 1} of 4 (batch ${k + 1})`, oneByOne[k]!, out, { atol: 1e-6, rtol: 1e-6 }));
        }),
    },
    refuses('an input of the wrong shape is refused, naming the input', 'an image of 6×6×2 for a model of 6×6×3', () => ({ image: { shape: [1, 6, 6, 2], data: new Float32Array(72) } }), 'image'),
    refuses('an input of the wrong rank is refused, naming the input', 'a rank-3 image', () => ({ image: { shape: [6, 6, 3], data: new Float32Array(108) } }), 'image'),
    refuses('values that do not fill the shape are refused, naming the input', 'an image with 10 values for shape [1, 6, 6, 3]', () => ({ image: { shape: [1, 6, 6, 3], data: new Float32Array(10) } }), 'image'),
    refuses('a missing input is refused, naming it', 'run({})', () => ({}), 'image'),
    refuses('an unknown input is refused, naming it', 'an extra input "mask"', (f) => ({ image: f.image(1, 0), mask: f.image(1, 1) }), 'mask'),
    {
      name: 'run() after dispose() is an Error; dispose() twice is safe',
      async run(backend) {
        const f = fixture(seed);
        const model = await compile(f.graph, f.weights, { backend, optimize: false });
        await model.run({ image: f.image(1, 0) });
        model.dispose();
        try {
          model.dispose();
        } catch (e) {
          throw new Error(`a second dispose() threw: ${(e as Error).message}`);
        }
        const e = await failure(() => model.run({ image: f.image(1, 0) }));
        if (e === undefined) throw new Error('run() after dispose() returned outputs, expected an Error');
        if (!(e instanceof Error)) throw new Error(`run() after dispose() threw ${String(e)}, expected an Error`);
      },
    },
  ];
  if (resources) {
    cases.push({
      name: 'compiling, 20 runs and dispose() leave nothing behind',
      async run(backend) {
        const before = resources();
        await withModel(backend, seed, async (model, f) => {
          for (let i = 0; i < 20; i++) await model.run({ image: f.image(2, i) });
        });
        const after = resources();
        if (after !== before) throw new Error(`the backend holds ${after} resources after the model was disposed, ${before} before it was compiled`);
      },
    });
  }
  return cases;
}
