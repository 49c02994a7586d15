import { GraphError } from './errors';
import { OPS, OP_NAMES, isOpName } from './ops';
import type { AnyNode, Graph, Node, OpName, ParamSpec, Shape } from './types';

/** What validation learns about a graph: every node's output shape and parameters. */
export interface GraphInfo {
  readonly shapes: ReadonlyMap<string, Shape>;
  readonly params: ReadonlyMap<string, readonly ParamSpec[]>;
  /** Names of the `input` nodes, in graph order. */
  readonly inputs: readonly string[];
}

/**
 * Checks one node against the nodes before it and returns its output shape.
 * `shapes` holds the shapes of the nodes already seen.
 */
export function inferNode(node: AnyNode, shapes: ReadonlyMap<string, Shape>): { shape: Shape; params: ParamSpec[] } {
  if (!isOpName(node.op)) {
    throw new GraphError('unknown op', { node: node.name, op: String(node.op), expected: OP_NAMES.join(' | '), actual: String(node.op) });
  }
  const def = OPS[node.op] as (typeof OPS)[OpName];
  const { min, max } = def.arity;
  const n = node.inputs.length;
  if (n < min || n > max) {
    const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min}…${max}`;
    throw new GraphError('wrong number of inputs', { node: node.name, op: node.op, expected, actual: `${n}` });
  }
  const inputShapes = node.inputs.map((name) => {
    const s = shapes.get(name);
    if (s === undefined) {
      throw new GraphError(`input "${name}" is not an earlier node of the graph`, { node: node.name, op: node.op, expected: 'the name of an earlier node', actual: `"${name}"` });
    }
    return s;
  });
  const typed = def as unknown as {
    checkAttrs(n: Node): void;
    inferShape(n: Node, i: readonly Shape[]): Shape;
    params(n: Node, i: readonly Shape[]): ParamSpec[];
  };
  typed.checkAttrs(node);
  const shape = typed.inferShape(node, inputShapes);
  return { shape, params: typed.params(node, inputShapes) };
}

/** Follows inputs from `start` back to `start` to report a cycle, or returns undefined. */
function findCycle(graph: Graph, start: string): string[] | undefined {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (name: string): boolean => {
    if (path.includes(name)) {
      path.push(name);
      return true;
    }
    if (done.has(name)) return false;
    path.push(name);
    for (const input of byName.get(name)?.inputs ?? []) if (visit(input)) return true;
    path.pop();
    done.add(name);
    return false;
  };
  if (!visit(start)) return undefined;
  const last = path[path.length - 1]!;
  return path.slice(path.indexOf(last));
}

/**
 * Validates a whole graph and infers every shape: unique names, known ops,
 * inputs that are earlier nodes (dangling and cyclic references are told
 * apart), attributes, shapes and outputs. Throws a GraphError naming the node.
 */
export function analyzeGraph(graph: Graph): GraphInfo {
  const shapes = new Map<string, Shape>();
  const params = new Map<string, ParamSpec[]>();
  const inputs: string[] = [];
  const names = new Set(graph.nodes.map((n) => n.name));
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    if (typeof node.name !== 'string' || node.name.length === 0) {
      throw new GraphError('every node needs a non-empty name', { op: node.op, expected: 'a name', actual: JSON.stringify(node.name) });
    }
    if (seen.has(node.name)) throw new GraphError('duplicate node name', { node: node.name, op: node.op, expected: 'a unique name', actual: 'a second node with this name' });
    seen.add(node.name);
    for (const input of node.inputs) {
      if (shapes.has(input)) continue;
      if (!names.has(input)) {
        throw new GraphError(`dangling input "${input}": no node has this name`, { node: node.name, op: node.op, expected: 'the name of an earlier node', actual: `"${input}"` });
      }
      const cycle = findCycle(graph, node.name);
      if (cycle) {
        throw new GraphError(`cyclic input: ${cycle.join(' → ')}`, { node: node.name, op: node.op, expected: 'an acyclic graph', actual: `the cycle ${cycle.join(' → ')}` });
      }
      throw new GraphError(`input "${input}" comes later in the graph; nodes must be in topological order`, {
        node: node.name,
        op: node.op,
        expected: `"${input}" before "${node.name}"`,
        actual: `"${input}" after it`,
      });
    }
    const { shape, params: specs } = inferNode(node, shapes);
    shapes.set(node.name, shape);
    params.set(node.name, specs);
    if (node.op === 'input') inputs.push(node.name);
  }
  if (inputs.length === 0) throw new GraphError(`graph "${graph.name}" has no input node`, { expected: "at least one node of op 'input'", actual: `${graph.nodes.length} nodes, none an input` });
  if (graph.outputs.length === 0) throw new GraphError(`graph "${graph.name}" has no outputs`, { expected: 'at least one output', actual: 'none' });
  const outputNames = new Set<string>();
  for (const out of graph.outputs) {
    if (outputNames.has(out.name)) throw duplicateOutputError(graph.name, out.name);
    outputNames.add(out.name);
    if (!shapes.has(out.node)) throw missingOutputNodeError(out.name, out.node);
  }
  return { shapes, params, inputs };
}

export function duplicateOutputError(graph: string, output: string): GraphError {
  return new GraphError(`graph "${graph}" has two outputs named "${output}"`, { expected: 'unique output names', actual: `"${output}" twice` });
}

export function missingOutputNodeError(output: string, node: string): GraphError {
  return new GraphError(`output "${output}" refers to "${node}", which is not a node of the graph`, { expected: 'the name of a node', actual: `"${node}"` });
}

/** Every parameter the graph owns, in node order. */
export function paramSpecs(graph: Graph, info: GraphInfo = analyzeGraph(graph)): ParamSpec[] {
  return graph.nodes.flatMap((n) => info.params.get(n.name) ?? []);
}

/** The nodes that read each node's output. */
export function consumers(graph: Graph): Map<string, AnyNode[]> {
  const map = new Map<string, AnyNode[]>(graph.nodes.map((n) => [n.name, []]));
  for (const node of graph.nodes) for (const input of node.inputs) map.get(input)?.push(node);
  return map;
}
