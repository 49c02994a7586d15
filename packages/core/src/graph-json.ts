import { GraphError } from './errors';
import { analyzeGraph } from './graph';
import { isOpName, OP_NAMES } from './ops';
import type { AnyNode, Graph, GraphOutput } from './types';

export const GRAPH_FORMAT = 'mobilenet-kit-graph';
export const GRAPH_FORMAT_VERSION = 1;

/** The JSON form of a graph: the graph's own fields plus a format tag and version. */
export interface GraphJSON {
  readonly format: typeof GRAPH_FORMAT;
  readonly formatVersion: number;
  readonly name: string;
  readonly nodes: readonly AnyNode[];
  readonly outputs: readonly GraphOutput[];
}

/** A plain object (no class instances) that `JSON.stringify` writes as is. */
export function graphToJSONObject(graph: Graph): GraphJSON {
  return {
    format: GRAPH_FORMAT,
    formatVersion: GRAPH_FORMAT_VERSION,
    name: graph.name,
    nodes: graph.nodes.map((n) => ({ name: n.name, op: n.op, inputs: [...n.inputs], attrs: structuredClone(n.attrs) }) as AnyNode),
    outputs: graph.outputs.map((o) => ({ name: o.name, node: o.node })),
  };
}

export function graphToJSON(graph: Graph, space?: number): string {
  return JSON.stringify(graphToJSONObject(graph), null, space);
}

function bad(path: string, expected: string, actual: unknown): never {
  throw new GraphError(`graph JSON: ${path} is malformed`, { expected, actual: JSON.stringify(actual) ?? String(actual) });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a graph from its JSON object form: checks the format tag and version,
 * the structure of every node, then validates the graph as a whole.
 */
export function graphFromJSONObject(json: unknown): Graph {
  if (!isRecord(json)) bad('the document', 'an object', json);
  if (json.format !== GRAPH_FORMAT) bad('"format"', `"${GRAPH_FORMAT}"`, json.format);
  if (json.formatVersion !== GRAPH_FORMAT_VERSION) {
    throw new GraphError('graph JSON: unsupported format version', {
      expected: `${GRAPH_FORMAT_VERSION}`,
      actual: JSON.stringify(json.formatVersion),
    });
  }
  if (typeof json.name !== 'string') bad('"name"', 'a string', json.name);
  if (!Array.isArray(json.nodes)) bad('"nodes"', 'an array', json.nodes);
  if (!Array.isArray(json.outputs)) bad('"outputs"', 'an array', json.outputs);
  const nodes = json.nodes.map((n: unknown, i: number) => {
    if (!isRecord(n)) bad(`nodes[${i}]`, 'an object', n);
    if (typeof n.name !== 'string') bad(`nodes[${i}].name`, 'a string', n.name);
    if (!isOpName(n.op)) bad(`nodes[${i}].op ("${n.name}")`, OP_NAMES.join(' | '), n.op);
    if (!Array.isArray(n.inputs) || n.inputs.some((x) => typeof x !== 'string')) bad(`nodes[${i}].inputs ("${n.name}")`, 'an array of node names', n.inputs);
    if (!isRecord(n.attrs)) bad(`nodes[${i}].attrs ("${n.name}")`, 'an object', n.attrs);
    return { name: n.name, op: n.op, inputs: n.inputs, attrs: n.attrs } as AnyNode;
  });
  const outputs = json.outputs.map((o: unknown, i: number) => {
    if (!isRecord(o) || typeof o.name !== 'string' || typeof o.node !== 'string') bad(`outputs[${i}]`, '{ "name": string, "node": string }', o);
    return { name: o.name, node: o.node };
  });
  const graph: Graph = { name: json.name, nodes, outputs };
  analyzeGraph(graph);
  return graph;
}

/** Parses graph JSON text; malformed JSON is reported with the parser's position. */
export function graphFromJSON(text: string): Graph {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GraphError(`graph JSON: not valid JSON: ${(e as Error).message}`);
  }
  return graphFromJSONObject(json);
}
