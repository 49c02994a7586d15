import { describe, expect, it } from 'vitest';
import {
  GRAPH_FORMAT,
  GRAPH_FORMAT_VERSION,
  GraphError,
  graphFromJSON,
  graphFromJSONObject,
  graphToJSON,
  graphToJSONObject,
  type Graph,
} from '../src/index';
import { jsonSyntaxErrorOffset } from '../src/graph-json';
import { deepFreeze, everyOpGraph, expectGraphError } from './helpers';

/** The JSON object of a small valid graph, to break one field at a time. */
function validDocument(): Record<string, unknown> & { nodes: Record<string, unknown>[]; outputs: Record<string, unknown>[] } {
  return {
    format: GRAPH_FORMAT,
    formatVersion: GRAPH_FORMAT_VERSION,
    name: 'small',
    nodes: [
      { name: 'x', op: 'input', inputs: [], attrs: { shape: [null, 4] } },
      { name: 'fc', op: 'dense', inputs: ['x'], attrs: { units: 2 } },
    ],
    outputs: [{ name: 'logits', node: 'fc' }],
  };
}

describe('graph JSON round trip', () => {
  it('graphFromJSON(graphToJSON(g)) deep-equals g, and writing it again gives the same bytes', () => {
    const g = everyOpGraph();
    const text = graphToJSON(g);
    const back = graphFromJSON(text);
    expect(back).toEqual(g);
    expect(back).toStrictEqual(JSON.parse(JSON.stringify(g)) as Graph);
    expect(graphToJSON(back)).toBe(text);
    expect(graphToJSON(back, 2)).toBe(graphToJSON(g, 2));
  });

  it('keeps every op, every attribute and the output names', () => {
    const back = graphFromJSON(graphToJSON(everyOpGraph(), 2));
    expect(new Set(back.nodes.map((n) => n.op)).size).toBe(16);
    expect(back.outputs).toEqual([
      { name: 'probabilities', node: 'head/softmax' },
      { name: 'embedding', node: 'head/l2' },
      { name: 'stem/conv', node: 'stem/conv' },
    ]);
    expect(back.nodes.find((n) => n.name === 'stem/conv')?.attrs).toEqual({ filters: 8, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu6' });
    expect(back.nodes[0]?.attrs).toEqual({ shape: [null, 16, 16, 3] });
  });

  it('writes the format tag and version first', () => {
    const json = graphToJSONObject(everyOpGraph());
    expect(Object.keys(json)).toEqual(['format', 'formatVersion', 'name', 'nodes', 'outputs']);
    expect(json.format).toBe('mobilenet-kit-graph');
    expect(json.formatVersion).toBe(1);
    expect(graphToJSON(everyOpGraph()).startsWith('{"format":"mobilenet-kit-graph","formatVersion":1,')).toBe(true);
  });

  it('copies: the JSON object shares nothing with the graph, and writing does not change it', () => {
    const g = deepFreeze(everyOpGraph());
    const json = graphToJSONObject(g);
    (json.nodes[1]!.attrs as { filters: number }).filters = 99;
    (json.nodes[1]!.inputs as string[]).push('image');
    expect((g.nodes[1]!.attrs as { filters: number }).filters).toBe(8);
    expect(g.nodes[1]!.inputs).toEqual(['image']);
  });

  it('validates the graph it reads', () => {
    const doc = validDocument();
    doc.nodes[1]!.attrs = { units: 0 };
    expectGraphError(() => graphFromJSONObject(doc), { node: 'fc', op: 'dense', actual: '0', message: /units must be a positive integer/ });
    const cyclic = validDocument();
    cyclic.nodes[1]!.inputs = ['fc'];
    expectGraphError(() => graphFromJSON(JSON.stringify(cyclic)), { node: 'fc', message: /cyclic input: fc → fc/ });
  });
});

describe('graph JSON: the envelope', () => {
  it('unknown format', () => {
    expectGraphError(() => graphFromJSONObject({ ...validDocument(), format: 'keras' }), { expected: '"mobilenet-kit-graph"', actual: '"keras"', message: /"format" is malformed/ });
    const { format: _dropped, ...noFormat } = validDocument();
    expectGraphError(() => graphFromJSONObject(noFormat), { expected: '"mobilenet-kit-graph"', actual: 'undefined' });
  });

  it.each([2, 0, '1', null])('unknown formatVersion %j', (formatVersion) => {
    expectGraphError(() => graphFromJSONObject({ ...validDocument(), formatVersion }), { expected: '1', actual: JSON.stringify(formatVersion), message: /unsupported format version/ });
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'graph'],
  ])('a document that is %s', (_what, doc) => {
    expectGraphError(() => graphFromJSONObject(doc), { expected: 'an object', message: /the document is malformed/ });
  });

  it.each([
    ['name', 42, 'a string'],
    ['nodes', {}, 'an array'],
    ['outputs', 'logits', 'an array'],
  ])('"%s" of the wrong type', (field, value, expected) => {
    expectGraphError(() => graphFromJSONObject({ ...validDocument(), [field]: value }), { expected, actual: JSON.stringify(value), message: new RegExp(`"${field}" is malformed`) });
  });
});

describe('graph JSON: malformed nodes and outputs', () => {
  const breakNode = (field: string, value: unknown) => {
    const doc = validDocument();
    doc.nodes[1]![field] = value;
    return () => graphFromJSONObject(doc);
  };

  it('a node that is not an object', () => {
    const doc = validDocument();
    (doc.nodes as unknown[])[1] = 'fc';
    expectGraphError(() => graphFromJSONObject(doc), { expected: 'an object', actual: '"fc"', message: /nodes\[1\] is malformed/ });
  });

  it('a node without a string name', () => {
    expectGraphError(breakNode('name', 7), { expected: 'a string', actual: '7', message: /nodes\[1\]\.name is malformed/ });
    expectGraphError(breakNode('name', undefined), { expected: 'a string', actual: 'undefined' });
  });

  it('a node with an unknown op', () => {
    const e = expectGraphError(breakNode('op', 'Conv2D'), { actual: '"Conv2D"', message: /nodes\[1\]\.op \("fc"\) is malformed/ });
    expect(e.expected).toContain('depthwiseConv2d');
  });

  it('a node whose inputs are not an array of names', () => {
    expectGraphError(breakNode('inputs', 'x'), { expected: 'an array of node names', actual: '"x"', message: /nodes\[1\]\.inputs \("fc"\) is malformed/ });
    expectGraphError(breakNode('inputs', [0]), { expected: 'an array of node names', actual: '[0]' });
  });

  it('a node whose attrs are not an object', () => {
    expectGraphError(breakNode('attrs', null), { expected: 'an object', actual: 'null', message: /nodes\[1\]\.attrs \("fc"\) is malformed/ });
    expectGraphError(breakNode('attrs', [2]), { expected: 'an object', actual: '[2]' });
  });

  it('an output without a name or node', () => {
    for (const bad of [{ name: 'logits' }, { node: 'fc' }, 'fc', { name: 1, node: 'fc' }]) {
      const doc = validDocument();
      (doc.outputs as unknown[])[0] = bad;
      expectGraphError(() => graphFromJSONObject(doc), { expected: '{ "name": string, "node": string }', actual: JSON.stringify(bad), message: /outputs\[0\] is malformed/ });
    }
  });

  it('cuts a huge bad value short in the message', () => {
    const e = expectGraphError(breakNode('inputs', 'x'.repeat(10_000)), { expected: 'an array of node names' });
    expect(e.message.length).toBeLessThan(300);
    expect(e.actual).toMatch(/\.\.\.$/);
  });
});

describe('graph JSON: text that is not JSON', () => {
  it.each([
    // [text, line, column, offset]
    ['{"format": "mobilenet-kit-graph",}', 1, 34, 33],
    ['{"name": }', 1, 10, 9], // V8 says "Unexpected token" without a position here
    ['{\n  "format": "mobilenet-kit-graph",\n  "nodes": [tru]\n}', 3, 16, 52], // the "e" of true is missing where "]" stands
    ['{"nodes": [', 1, 12, 11], // ends too early
    ['', 1, 1, 0],
  ])('%j is reported at line %i, column %i (offset %i)', (text, line, column, offset) => {
    const e = expectGraphError(() => graphFromJSON(text), { message: /graph JSON: not valid JSON/ });
    expect(e.message).toContain(`at line ${line}, column ${column} (offset ${offset})`);
  });

  it('finds the same offset as the parser wherever the parser gives one', () => {
    const texts = [
      '{"a":1', '{"a":1,}', '[1,2', '{"format": "x" "y"}', '01', '"\t"', '"\\x"', '{} x', '{"a" 1}', '[-]', '1.', '[1e]',
      '[1e+]', '{"a":1}}', '["\\u12"]', '[.5]', '[+1]', '"abc', '{"a":}', '[1,]', 'nul', '-', '{,}', '[1 2]',
    ];
    let withPosition = 0;
    for (const text of texts) {
      let parserError: Error | undefined;
      try {
        JSON.parse(text);
      } catch (e) {
        parserError = e as Error;
      }
      expect(parserError, text).toBeDefined();
      const offset = jsonSyntaxErrorOffset(text);
      expect(offset, text).toBeTypeOf('number');
      const reported = /at position (\d+)/.exec(parserError!.message);
      if (reported) {
        withPosition++;
        expect(offset, text).toBe(Number(reported[1]));
      }
    }
    expect(withPosition).toBeGreaterThan(10);
  });

  it('finds no error in valid JSON', () => {
    for (const text of ['[1, 2]', ' {} ', '-0.5e+3', '{"a": [1, {"b": null}], "c": "\\u00e9\\n", "d": [true, false]}', graphToJSON(everyOpGraph(), 2)]) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonSyntaxErrorOffset(text), text).toBeUndefined();
    }
  });

  it('is a GraphError, not a SyntaxError', () => {
    expect(() => graphFromJSON('{')).toThrow(GraphError);
  });
});
