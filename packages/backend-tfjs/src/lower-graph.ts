import { type AnyNode, analyzeGraph, formatShape, type Graph, GraphError, paramSpecs, type TensorSpec, type Weights } from '@mobilenet-kit/core';
import { lowerNode, type LoweringContext, type LoweringTable, type NodeKernel } from './lowerings/lowering';
import { TFJS_LOWERINGS } from './lowerings/index';
import type { Tensor, Tfjs } from './tfjs-types';

export interface LowerGraphOptions {
  /** Use tfjs's fused kernels (conv/depthwise/matMul + bias + activation) where the backend has them. Default true. */
  readonly fused?: boolean;
  /** The tfjs backend the model will run on, for the fused-kernel lookup. Default: the active one. */
  readonly tfBackendName?: string;
  /** Replace the lowerings of some ops (a backend with a faster form of one op). */
  readonly lowerings?: Partial<LoweringTable>;
}

/** A graph lowered onto tfjs ops, its parameters uploaded once as tf tensors. */
export interface LoweredGraph {
  /** The graph that runs (after any passes the caller applied). */
  readonly graph: Graph;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** How many parameter tensors the lowered graph holds. */
  readonly parameterTensors: number;
  /**
   * Runs the graph. Call it inside `tf.tidy`: intermediates that no later node
   * reads are disposed as soon as possible, the rest when the tidy ends.
   * Returns one tensor per graph output name (never one of `feeds` itself).
   */
  execute(feeds: ReadonlyMap<string, Tensor>): Record<string, Tensor>;
  /** Frees the parameter tensors. */
  dispose(): void;
}

interface Step {
  readonly node: AnyNode;
  readonly kernel: NodeKernel | undefined;
  /** Node values to release after this step (their last reader), outputs excluded. */
  readonly releases: readonly string[];
}

function uploadWeights(graph: Graph, weights: Weights, tf: Tfjs): Map<string, Tensor> {
  const uploaded = new Map<string, Tensor>();
  const byNode = new Map(graph.nodes.map((n) => [n.name, n]));
  try {
    for (const spec of paramSpecs(graph)) {
      const nodeName = spec.name.slice(0, spec.name.lastIndexOf('/'));
      const node = byNode.get(nodeName);
      const where = { node: nodeName, op: node?.op };
      const w = weights.get(spec.name);
      if (!w) throw new GraphError(`weight "${spec.name}" is missing`, { ...where, expected: `a tensor of shape ${formatShape(spec.shape)}`, actual: 'nothing' });
      if (w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i])) {
        throw new GraphError(`weight "${spec.name}" has the wrong shape`, { ...where, expected: formatShape(spec.shape), actual: formatShape(w.shape) });
      }
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (!(w.data instanceof Float32Array) || w.data.length !== size) {
        throw new GraphError(`weight "${spec.name}" needs ${size} float32 values`, { ...where, expected: `Float32Array(${size})`, actual: `${w.data?.constructor?.name ?? typeof w.data}(${w.data?.length})` });
      }
      // A copy: on tfjs-backend-cpu the tensor would otherwise alias the caller's array.
      uploaded.set(spec.name, tf.tensor(w.data.slice(), [...spec.shape], 'float32'));
    }
  } catch (e) {
    for (const t of uploaded.values()) t.dispose();
    throw e;
  }
  return uploaded;
}

/**
 * Lowers every node of `graph` onto tfjs ops and uploads `weights` as tf
 * tensors on the active tfjs backend. The graph is validated first; a missing
 * or misshapen weight is reported by name, and what was uploaded before it is
 * freed again.
 */
export function lowerGraph(graph: Graph, weights: Weights, tf: Tfjs, options: LowerGraphOptions = {}): LoweredGraph {
  const info = analyzeGraph(graph);
  const table: LoweringTable = { ...TFJS_LOWERINGS, ...options.lowerings };
  const fused = options.fused ?? true;
  const tfBackendName = options.tfBackendName ?? tf.getBackend();
  const params = uploadWeights(graph, weights, tf);

  const outputNodes = new Set(graph.outputs.map((o) => o.node));
  const lastReader = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    for (const input of node.inputs) lastReader.set(input, i);
  });
  const releasesAt = new Map<number, string[]>();
  for (const [name, i] of lastReader) {
    if (outputNodes.has(name)) continue;
    releasesAt.set(i, [...(releasesAt.get(i) ?? []), name]);
  }

  let steps: Step[];
  try {
    steps = graph.nodes.map((node, i) => {
      const ctx: LoweringContext = {
        tf,
        fused,
        hasKernel: (kernelName) => tf.getKernel(kernelName, tfBackendName) !== undefined,
        param: (p) => {
          const t = params.get(`${node.name}/${p}`);
          if (!t) throw new GraphError(`parameter "${node.name}/${p}" was not uploaded`, { node: node.name, op: node.op });
          return t;
        },
      };
      return { node, kernel: node.op === 'input' ? undefined : lowerNode(table, node, ctx), releases: [...new Set(releasesAt.get(i) ?? [])] };
    });
  } catch (e) {
    for (const t of params.values()) t.dispose();
    throw e;
  }

  const inputs: TensorSpec[] = info.inputs.map((name) => ({ name, shape: info.shapes.get(name)!, dtype: 'float32' as const }));
  const outputs: TensorSpec[] = graph.outputs.map((o) => ({ name: o.name, shape: info.shapes.get(o.node)!, dtype: 'float32' as const }));
  let disposed = false;

  return {
    graph,
    inputs,
    outputs,
    parameterTensors: params.size,
    execute(feeds) {
      if (disposed) throw new Error(`graph "${graph.name}" was disposed`);
      const values = new Map<string, Tensor>();
      // A kernel may return its input as is (dropout, linear): count holders per tensor object.
      const holders = new Map<Tensor, number>();
      const fed = new Set(feeds.values());
      const hold = (name: string, t: Tensor) => {
        values.set(name, t);
        holders.set(t, (holders.get(t) ?? 0) + 1);
      };
      for (const { node, kernel, releases } of steps) {
        if (!kernel) {
          const t = feeds.get(node.name);
          if (!t) throw new Error(`graph "${graph.name}": no tensor fed for input "${node.name}"`);
          hold(node.name, t);
          continue;
        }
        let y: Tensor;
        try {
          y = kernel(node.inputs.map((n) => values.get(n)!));
        } catch (e) {
          const shapes = node.inputs.map((n) => formatShape(values.get(n)!.shape)).join(', ');
          throw new GraphError(`tfjs failed on inputs ${shapes}: ${(e as Error).message}`, { node: node.name, op: node.op });
        }
        hold(node.name, y);
        for (const name of releases) {
          const t = values.get(name)!;
          values.delete(name);
          const left = holders.get(t)! - 1;
          holders.set(t, left);
          if (left === 0 && !fed.has(t)) t.dispose();
        }
      }
      const result: Record<string, Tensor> = {};
      for (const o of graph.outputs) {
        const t = values.get(o.node)!;
        result[o.name] = fed.has(t) ? tf.clone(t) : t;
      }
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const t of params.values()) t.dispose();
      params.clear();
    },
  };
}
