import type { HostTensor } from '../backend';
import { GraphError, formatShape } from '../errors';
import { analyzeGraph, type GraphInfo } from '../graph';
import type { AnyNode, Graph, Node, OpName, Shape, Weights, WeightTensor } from '../types';
import { checkWeights } from './check-weights';
import { sizeOf } from './host-tensor';
import { type Kernel, REFERENCE_KERNELS } from './kernels';

function sameShape(actual: readonly number[], inferred: Shape): boolean {
  return actual.length === inferred.length && inferred.every((d, i) => d === null || d === actual[i]);
}

function bindInput(node: Node<'input'>, value: HostTensor | undefined): HostTensor {
  if (!value) throw new GraphError('no value given for this graph input', { node: node.name, op: 'input', expected: formatShape(node.attrs.shape), actual: 'nothing' });
  if (!sameShape(value.shape, node.attrs.shape)) {
    throw new GraphError('input value has the wrong shape', { node: node.name, op: 'input', expected: formatShape(node.attrs.shape), actual: formatShape(value.shape) });
  }
  if (!(value.data instanceof Float32Array) || value.data.length !== sizeOf(value.shape)) {
    throw new GraphError('input data does not fill its shape', {
      node: node.name,
      op: 'input',
      expected: `a Float32Array of ${sizeOf(value.shape)} values`,
      actual: value.data instanceof Float32Array ? `${value.data.length} values` : String(value.data),
    });
  }
  return value;
}

/**
 * Executes a graph node by node with the reference kernels (plain loops,
 * float32 storage, float64 sums): the executable statement of the IR's
 * semantics that backends are held to. `inputs` are keyed by input node
 * name; the result is keyed by the graph's output names. Validates the
 * graph, the weights (presence and shape) and the input shapes first.
 */
export function runReference(graph: Graph, weights: Weights, inputs: Readonly<Record<string, HostTensor>>, info: GraphInfo = analyzeGraph(graph)): Record<string, HostTensor> {
  checkWeights(graph, weights, info);
  // How many more reads each value has; a value is dropped after its last one.
  const pending = new Map<string, number>();
  for (const node of graph.nodes) for (const i of node.inputs) pending.set(i, (pending.get(i) ?? 0) + 1);
  for (const out of graph.outputs) pending.set(out.node, (pending.get(out.node) ?? 0) + 1);

  const values = new Map<string, HostTensor>();
  for (const node of graph.nodes) {
    const value = node.op === 'input' ? bindInput(node, inputs[node.name]) : runNode(node, values, weights);
    const inferred = info.shapes.get(node.name)!;
    if (!sameShape(value.shape, inferred)) {
      throw new GraphError('reference kernel produced an unexpected shape', { node: node.name, op: node.op, expected: formatShape(inferred), actual: formatShape(value.shape) });
    }
    if (pending.has(node.name)) values.set(node.name, value);
    for (const i of node.inputs) {
      const left = pending.get(i)! - 1;
      pending.set(i, left);
      if (left === 0) values.delete(i);
    }
  }

  const result: Record<string, HostTensor> = {};
  const handedOut = new Set<Float32Array>(Object.values(inputs).map((t) => t.data));
  for (const out of graph.outputs) {
    const value = values.get(out.node)!;
    // Outputs never alias an input or another output (dropout and reshape pass data through).
    const data = handedOut.has(value.data) ? value.data.slice() : value.data;
    handedOut.add(data);
    result[out.name] = { shape: [...value.shape], data };
  }
  return result;
}

function runNode(node: AnyNode, values: ReadonlyMap<string, HostTensor>, weights: Weights): HostTensor {
  const args = node.inputs.map((i) => values.get(i)!);
  const param = (name: string): WeightTensor => {
    const w = weights.get(`${node.name}/${name}`);
    if (!w) throw new GraphError(`weight "${node.name}/${name}" is missing`, { node: node.name, op: node.op });
    return w;
  };
  const kernel = REFERENCE_KERNELS[node.op as Exclude<OpName, 'input'>] as Kernel<OpName>;
  return kernel(node as Node, args, param);
}
