import type { Backend, CompiledModel, CompileOptions, HostTensor, TensorLike, TensorSpec } from '../backend';
import { analyzeGraph } from '../graph';
import { isOpName } from '../ops';
import { optimizeForInference } from '../passes/inference-passes';
import type { Graph, Weights } from '../types';
import { checkWeights } from './check-weights';
import { sizeOf, toHostTensor } from './host-tensor';
import { runReference } from './run-reference';

export const REFERENCE_BACKEND_NAME = 'reference';

/**
 * The `reference` backend: core's pure-TypeScript interpreter behind the
 * Backend contract, so that `compile()` can run it like any plugin. Slow
 * (plain loops) but exact to the IR; it is the spec the conformance suite
 * holds other backends to. Register it yourself:
 * `registerBackend(referenceBackend())`.
 */
export function referenceBackend(): Backend {
  return {
    name: REFERENCE_BACKEND_NAME,
    supports: (op) => isOpName(op),
    async compile(graph: Graph, weights: Weights, options: CompileOptions = {}): Promise<CompiledModel> {
      const prepared = options.optimize === false ? { graph, weights } : optimizeForInference(graph, weights);
      const info = analyzeGraph(prepared.graph);
      checkWeights(prepared.graph, prepared.weights, info);
      const inputNodes = prepared.graph.nodes.filter((n) => n.op === 'input');
      const inputSpecs: TensorSpec[] = inputNodes.map((n) => ({ name: n.name, shape: info.shapes.get(n.name)!, dtype: 'float32' }));
      const outputSpecs: TensorSpec[] = prepared.graph.outputs.map((o) => ({ name: o.name, shape: info.shapes.get(o.node)!, dtype: 'float32' }));
      let disposed = false;
      const model: CompiledModel = {
        inputs: inputSpecs,
        outputs: outputSpecs,
        backend: { name: REFERENCE_BACKEND_NAME, optimized: options.optimize !== false },
        async run(values: Readonly<Record<string, TensorLike>>): Promise<Record<string, HostTensor>> {
          if (disposed) throw new Error(`reference: model "${graph.name}" was disposed`);
          const known = new Set(inputSpecs.map((s) => s.name));
          for (const name of Object.keys(values)) {
            if (!known.has(name)) throw new Error(`reference: "${name}" is not an input of model "${graph.name}" (inputs: ${[...known].join(', ')})`);
          }
          const host: Record<string, HostTensor> = {};
          for (const spec of inputSpecs) if (values[spec.name] !== undefined) host[spec.name] = toHostTensor(spec.name, values[spec.name]!);
          return runReference(prepared.graph, prepared.weights, host, info);
        },
        dispose() {
          disposed = true;
        },
      };
      if (options.warmup) {
        const zeros: Record<string, HostTensor> = {};
        for (const spec of inputSpecs) {
          const shape = spec.shape.map((d) => d ?? 1);
          zeros[spec.name] = { shape, data: new Float32Array(sizeOf(shape)) };
        }
        await model.run(zeros);
      }
      return model;
    },
  };
}
