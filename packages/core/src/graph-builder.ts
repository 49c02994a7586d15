import { GraphError } from './errors';
import { analyzeGraph, duplicateOutputError, inferNode, missingOutputNodeError } from './graph';
import type { AnyNode, Graph, GraphOutput, Node, OpAttrs, OpName, ParamSpec, Shape } from './types';

/**
 * Builds a graph one node at a time, checking each node as it is added so
 * that an error points at the call that caused it. Start empty or from an
 * existing graph (to put a head on a backbone).
 */
export class GraphBuilder {
  private readonly nodes: AnyNode[] = [];
  private readonly outputs: GraphOutput[] = [];
  private readonly shapes = new Map<string, Shape>();
  private readonly params = new Map<string, ParamSpec[]>();

  constructor(
    readonly name: string,
    base?: Graph,
  ) {
    if (base) {
      const info = analyzeGraph(base);
      for (const node of base.nodes) {
        this.nodes.push(node);
        this.shapes.set(node.name, info.shapes.get(node.name)!);
        this.params.set(node.name, [...(info.params.get(node.name) ?? [])]);
      }
    }
  }

  /** Adds a node and returns its name, so calls chain: `b.add('relu', 'activation', [b.add(...)], ...)`. */
  add<K extends OpName>(name: string, op: K, inputs: readonly string[], attrs: OpAttrs[K]): string {
    if (typeof name !== 'string' || name.length === 0) {
      throw new GraphError('every node needs a non-empty name', { op, expected: 'a name', actual: JSON.stringify(name) });
    }
    if (this.shapes.has(name)) throw new GraphError('duplicate node name', { node: name, op, expected: 'a unique name', actual: 'a second node with this name' });
    // Copies, so that changing the caller's arrays afterwards cannot bypass validation.
    const node = { name, op, inputs: [...inputs], attrs: structuredClone(attrs) } as Node<K> as AnyNode;
    const { shape, params } = inferNode(node, this.shapes);
    this.nodes.push(node);
    this.shapes.set(name, shape);
    this.params.set(name, params);
    return name;
  }

  input(name: string, shape: Shape): string {
    return this.add(name, 'input', [], { shape });
  }

  /** Marks a node as a graph output under `name` (the node's own name by default). */
  output(node: string, name: string = node): this {
    if (!this.shapes.has(node)) throw missingOutputNodeError(name, node);
    if (this.outputs.some((o) => o.name === name)) throw duplicateOutputError(this.name, name);
    this.outputs.push({ name, node });
    return this;
  }

  /** The inferred output shape of a node added so far. */
  shapeOf(node: string): Shape {
    const shape = this.shapes.get(node);
    if (!shape) throw new GraphError(`no node named "${node}" in graph "${this.name}"`, { expected: 'the name of a node added so far', actual: `"${node}"` });
    return shape;
  }

  paramsOf(node: string): readonly ParamSpec[] {
    return this.params.get(node) ?? [];
  }

  has(node: string): boolean {
    return this.shapes.has(node);
  }

  build(): Graph {
    const graph: Graph = { name: this.name, nodes: [...this.nodes], outputs: [...this.outputs] };
    analyzeGraph(graph);
    return graph;
  }
}
