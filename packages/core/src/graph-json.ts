import { JsonInputError, parseJsonBounded } from './input/bounded-json';
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

/** A value for a message, cut short so that a huge node does not flood it. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function bad(path: string, expected: string, actual: unknown): never {
  throw new GraphError(`graph JSON: ${path} is malformed`, { expected, actual: show(actual) });
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

/**
 * The offset of the first syntax error in JSON text (text.length when it ends
 * too early), or undefined when the text is valid JSON. V8's own messages
 * give a position for some errors only ("Unexpected token '}', ... is not
 * valid JSON" has none), so the position is found by this small scanner.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  function stop(): never {
    throw i;
  }
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (c: string) => (text[i] === c ? i++ : stop());
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) stop();
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ') stop();
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) stop();
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) stop();
      }
      i++;
    }
  };
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === ',') i++;
        else return void expect(close);
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        for (const w of word) expect(w);
        return;
      }
    }
    // A number, digit by digit, so that the offset points at the bad character.
    const digits = () => {
      if (!isDigit(text[i])) stop();
      while (isDigit(text[i])) i++;
    };
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return undefined;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}

/** "at line L, column C (offset N)" for the first syntax error of `text`, or '' when none is found. */
export function jsonSyntaxErrorPlace(text: string): string {
  const offset = jsonSyntaxErrorOffset(text);
  if (offset === undefined) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `at line ${line}, column ${column} (offset ${offset})`;
}

/** Parses graph JSON text; malformed JSON is reported with the line, column and offset of the error. */
export function graphFromJSON(text: string): Graph {
  let json: unknown;
  try {
    json = parseJsonBounded(text);
  } catch (e) {
    if (e instanceof JsonInputError && e.problem !== 'syntax') throw new GraphError(`graph JSON: ${e.message}`);
    const place = jsonSyntaxErrorPlace(text);
    throw new GraphError(`graph JSON: not valid JSON${place ? ` ${place}` : ''}: ${(e as Error).message.replace(/^not valid JSON: /, '')}`);
  }
  return graphFromJSONObject(json);
}
