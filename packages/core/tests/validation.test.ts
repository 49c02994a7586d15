import { describe, expect, it } from 'vitest';
import { GraphBuilder, GraphError, analyzeGraph, inferNode, type AnyNode, type Graph, type Shape } from '../src/index';
import { expectGraphError } from './helpers';

/**
 * Every validation error: the class, the node, the op, and the expected and
 * actual value, in the fields and in the message.
 */

/** Builds a graph literally (no builder), so that it can be wrong in any way. */
function graphOf(nodes: readonly object[], outputs: readonly { name: string; node: string }[] = [{ name: 'out', node: (nodes.at(-1) as { name: string }).name }]): Graph {
  return { name: 'g', nodes: nodes as AnyNode[], outputs };
}

const input = (name = 'x', shape: Shape = [null, 8, 8, 3]) => ({ name, op: 'input', inputs: [], attrs: { shape } });
const conv = (name: string, inputs: string[], attrs: object = {}) => ({
  name,
  op: 'conv2d',
  inputs,
  attrs: { filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', ...attrs },
});
const node = (name: string, op: string, inputs: string[], attrs: object = {}) => ({ name, op, inputs, attrs });

/** Validates `x [N, 8, 8, 3] → n`, where `n` is the node under test. */
const checkNode = (n: object, shape: Shape = [null, 8, 8, 3]) => () => analyzeGraph(graphOf([input('x', shape), n]));

describe('graph structure', () => {
  it.each(['toString', '__proto__', 'constructor'])('an op named like an Object property (%s) is unknown', (op) => {
    expectGraphError(checkNode(node('c', op, ['x'])), { node: 'c', op, actual: op, message: /unknown op/ });
  });

  it('unknown op: names the op and lists the known ones', () => {
    const e = expectGraphError(checkNode(node('c', 'conv3d', ['x'])), { node: 'c', op: 'conv3d', actual: 'conv3d', message: /unknown op/ });
    expect(e.expected).toContain('conv2d');
    expect(e.expected).toContain('depthwiseConv2d');
  });

  it('dangling input: no node has the name', () => {
    expectGraphError(checkNode(conv('c', ['nowhere'])), { node: 'c', op: 'conv2d', expected: 'earlier node', actual: '"nowhere"', message: /dangling input "nowhere"/ });
  });

  it('cyclic input: reports the cycle', () => {
    const g = graphOf([input(), node('a', 'activation', ['b'], { fn: 'relu' }), node('b', 'activation', ['a'], { fn: 'relu' })]);
    const e = expectGraphError(() => analyzeGraph(g), { node: 'a', op: 'activation', expected: 'acyclic', actual: 'a → b → a', message: /cyclic input: a → b → a/ });
    expect(e.message).not.toMatch(/topological order/);
  });

  it('a node that reads itself is a cycle', () => {
    expectGraphError(() => analyzeGraph(graphOf([input(), node('a', 'add', ['x', 'a'])])), { node: 'a', op: 'add', message: /cyclic input: a → a/ });
  });

  it('an input that comes later without a cycle is an ordering error, not a cycle', () => {
    const g = graphOf([input(), node('a', 'activation', ['b'], { fn: 'relu' }), node('b', 'activation', ['x'], { fn: 'relu' })]);
    const e = expectGraphError(() => analyzeGraph(g), { node: 'a', op: 'activation', expected: '"b" before "a"', actual: '"b" after it', message: /comes later in the graph; nodes must be in topological order/ });
    expect(e.message).not.toMatch(/cyclic/);
  });

  it('a later cycle that the node only reaches is reported as that cycle', () => {
    // a reads b; b and c read each other: the cycle does not pass through a.
    const g = graphOf([input(), node('a', 'activation', ['b'], { fn: 'relu' }), node('b', 'add', ['x', 'c']), node('c', 'activation', ['b'], { fn: 'relu' })]);
    expectGraphError(() => analyzeGraph(g), { node: 'a', message: /cyclic input: b → c → b/ });
  });

  it('duplicate node name', () => {
    expectGraphError(() => analyzeGraph(graphOf([input(), conv('c', ['x']), conv('c', ['x'])])), { node: 'c', op: 'conv2d', expected: 'a unique name', actual: 'a second node', message: /duplicate node name/ });
  });

  it('empty node name', () => {
    expectGraphError(() => analyzeGraph(graphOf([input(), conv('', ['x'])], [{ name: 'o', node: 'x' }])), { expected: 'a name', actual: '""', message: /non-empty name/ });
  });

  it.each([
    ['conv2d with two inputs', conv('c', ['x', 'x']), 'conv2d', '1', '2'],
    ['add with one input', node('s', 'add', ['x']), 'add', 'at least 2', '1'],
    ['concat with one input', node('s', 'concat', ['x'], { axis: -1 }), 'concat', 'at least 2', '1'],
    ['input with an input', node('s', 'input', ['x'], { shape: [null, 3] }), 'input', '0', '1'],
    ['dense with none', node('s', 'dense', [], { units: 3 }), 'dense', '1', '0'],
  ])('wrong arity: %s', (_what, n, op, expected, actual) => {
    const e = expectGraphError(checkNode(n), { node: (n as { name: string }).name, op, message: /wrong number of inputs/ });
    expect(e.expected).toBe(expected);
    expect(e.actual).toBe(actual);
  });

  it('no input node', () => {
    expectGraphError(() => analyzeGraph({ name: 'empty', nodes: [], outputs: [] }), { expected: "op 'input'", actual: 'none an input', message: /graph "empty" has no input node/ });
  });

  it('no outputs', () => {
    expectGraphError(() => analyzeGraph(graphOf([input()], [])), { expected: 'at least one output', actual: 'none', message: /graph "g" has no outputs/ });
  });

  it('an output that refers to a missing node', () => {
    expectGraphError(() => analyzeGraph(graphOf([input()], [{ name: 'logits', node: 'fc' }])), { expected: 'the name of a node', actual: '"fc"', message: /output "logits" refers to "fc", which is not a node/ });
  });

  it('duplicate output names', () => {
    const g = graphOf([input(), node('r', 'activation', ['x'], { fn: 'relu' })], [
      { name: 'features', node: 'x' },
      { name: 'features', node: 'r' },
    ]);
    expectGraphError(() => analyzeGraph(g), { expected: 'unique output names', actual: '"features" twice', message: /two outputs named "features"/ });
  });

  it('two outputs may name the same node under different names', () => {
    const g = graphOf([input()], [
      { name: 'a', node: 'x' },
      { name: 'b', node: 'x' },
    ]);
    expect(analyzeGraph(g).inputs).toEqual(['x']);
  });
});

describe('incompatible shapes', () => {
  it('concat of inputs with different heights', () => {
    const g = graphOf([input('a', [null, 4, 4, 3]), input('b', [null, 5, 4, 3]), node('cat', 'concat', ['a', 'b'], { axis: -1 })]);
    expectGraphError(() => analyzeGraph(g), { node: 'cat', op: 'concat', expected: '[?, 4, 4, 3]', actual: '[?, 5, 4, 3]', message: /input 1 \("b"\) differs from input 0 along axis 1/ });
  });

  it('concat of inputs with different ranks', () => {
    const g = graphOf([input('a', [null, 4, 4, 3]), input('b', [null, 4, 3]), node('cat', 'concat', ['a', 'b'], { axis: -1 })]);
    expectGraphError(() => analyzeGraph(g), { node: 'cat', op: 'concat', expected: '[?, 4, 4, 3]', actual: '[?, 4, 3]', message: /another rank/ });
  });

  it.each([0, 4, -4, 1.5])('concat along axis %s (batch, out of range or not an integer)', (axis) => {
    const g = graphOf([input('a'), input('b'), node('cat', 'concat', ['a', 'b'], { axis })]);
    expectGraphError(() => analyzeGraph(g), { node: 'cat', op: 'concat', actual: String(axis) });
  });

  it('add of different shapes', () => {
    const g = graphOf([input('a', [null, 4, 4, 3]), input('b', [null, 4, 4, 8]), node('sum', 'add', ['a', 'b'])]);
    expectGraphError(() => analyzeGraph(g), { node: 'sum', op: 'add', expected: '[?, 4, 4, 3]', actual: '[?, 4, 4, 8]', message: /input 1 \("b"\) has another shape than input 0/ });
  });

  it('add of different ranks', () => {
    const g = graphOf([input('a', [null, 12]), input('b', [null, 3, 4]), node('sum', 'add', ['a', 'b'])]);
    expectGraphError(() => analyzeGraph(g), { node: 'sum', op: 'add', expected: '[?, 12]', actual: '[?, 3, 4]' });
  });

  it('add of two different fixed batch sizes', () => {
    const g = graphOf([input('a', [1, 4]), input('b', [2, 4]), node('sum', 'add', ['a', 'b'])]);
    expectGraphError(() => analyzeGraph(g), { node: 'sum', op: 'add', expected: '[1, 4]', actual: '[2, 4]' });
  });

  it('concat of two different fixed batch sizes', () => {
    const g = graphOf([input('a', [1, 4]), input('b', [2, 4]), node('cat', 'concat', ['a', 'b'], { axis: -1 })]);
    expectGraphError(() => analyzeGraph(g), { node: 'cat', op: 'concat', expected: '[1, 4]', actual: '[2, 4]', message: /along axis 0/ });
    const symbolic = graphOf([input('a', [null, 4]), input('b', [1, 4]), node('cat', 'concat', ['a', 'b'], { axis: -1 })]);
    expect(analyzeGraph(symbolic).shapes.get('cat')).toEqual([null, 8]);
  });

  it('add of a symbolic and a fixed batch is allowed', () => {
    const g = graphOf([input('a', [null, 4]), input('b', [1, 4]), node('sum', 'add', ['a', 'b'])]);
    expect(analyzeGraph(g).shapes.get('sum')).toEqual([null, 4]);
  });

  it('dense on an input whose last dimension is unknown', () => {
    const shapes = new Map<string, Shape>([['x', [null, null]]]);
    expectGraphError(() => inferNode(node('fc', 'dense', ['x'], { units: 3 }) as AnyNode, shapes), { node: 'fc', op: 'dense', expected: 'a size', actual: '[?, ?]', message: /dimension 1 of the input must be known/ });
  });

  it('flatten on unknown dimensions', () => {
    const shapes = new Map<string, Shape>([['x', [null, 4, null]]]);
    expectGraphError(() => inferNode(node('f', 'flatten', ['x']) as AnyNode, shapes), { node: 'f', op: 'flatten', actual: '[?, 4, ?]' });
  });

  it.each([
    ['conv2d', conv('c', ['x'])],
    ['depthwiseConv2d', node('c', 'depthwiseConv2d', ['x'], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1 })],
    ['maxPool', node('c', 'maxPool', ['x'], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' })],
    ['avgPool', node('c', 'avgPool', ['x'], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' })],
    ['globalAvgPool', node('c', 'globalAvgPool', ['x'])],
    ['globalMaxPool', node('c', 'globalMaxPool', ['x'])],
  ])('%s on a rank-2 input', (op, n) => {
    expectGraphError(checkNode(n, [null, 16]), { node: 'c', op, expected: 'rank 4', actual: '[?, 16] (rank 2)' });
  });

  it.each([0, 2, -3])('l2Normalize along axis %i of a rank-2 input', (axis) => {
    expectGraphError(checkNode(node('l2', 'l2Normalize', ['x'], { axis, epsilon: 1e-12 }), [null, 16]), { node: 'l2', op: 'l2Normalize', actual: String(axis), message: /non-batch axis/ });
  });

  it("a kernel larger than a 'valid' input, by axis", () => {
    expectGraphError(checkNode(conv('c', ['x'], { kernelSize: [5, 3], padding: 'valid' }), [null, 4, 8, 3]), {
      node: 'c',
      op: 'conv2d',
      expected: 'height ≥ 5',
      actual: 'height = 4',
      message: /larger than the 'valid' input along height/,
    });
    expectGraphError(checkNode(node('p', 'maxPool', ['x'], { poolSize: [2, 9], strides: [1, 1], padding: 'valid' }), [null, 4, 8, 3]), {
      node: 'p',
      op: 'maxPool',
      expected: 'width ≥ 9',
      actual: 'width = 8',
    });
  });

  it("the same kernel on a 'same' input is fine", () => {
    expect(analyzeGraph(graphOf([input('x', [null, 4, 8, 3]), conv('c', ['x'], { kernelSize: [5, 3] })])).shapes.get('c')).toEqual([null, 4, 8, 4]);
  });
});

describe('attributes: sizes must be positive integers', () => {
  it.each([
    ['filters 0', conv('c', ['x'], { filters: 0 }), 'conv2d', /filters must be a positive integer/, '0'],
    ['filters 2.5', conv('c', ['x'], { filters: 2.5 }), 'conv2d', /filters must be a positive integer/, '2.5'],
    ['kernel 2.5', conv('c', ['x'], { kernelSize: [2.5, 3] }), 'conv2d', /kernelSize\[0\] must be a positive integer/, '2.5'],
    ['kernel not a pair', conv('c', ['x'], { kernelSize: [3] }), 'conv2d', /kernelSize must be a pair/, '[3]'],
    ['kernel a number', conv('c', ['x'], { kernelSize: 3 }), 'conv2d', /kernelSize must be a pair/, '3'],
    ['strides [0, 1]', conv('c', ['x'], { strides: [0, 1] }), 'conv2d', /strides\[0\] must be a positive integer/, '0'],
    ['strides [1, -2]', conv('c', ['x'], { strides: [1, -2] }), 'conv2d', /strides\[1\] must be a positive integer/, '-2'],
    ['depthMultiplier 0', node('c', 'depthwiseConv2d', ['x'], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 0 }), 'depthwiseConv2d', /depthMultiplier must be a positive integer/, '0'],
    ['depthwise strides [0, 1]', node('c', 'depthwiseConv2d', ['x'], { kernelSize: [3, 3], strides: [0, 1], padding: 'same', depthMultiplier: 1 }), 'depthwiseConv2d', /strides\[0\]/, '0'],
    ['poolSize [2, 0]', node('c', 'avgPool', ['x'], { poolSize: [2, 0], strides: [1, 1], padding: 'same' }), 'avgPool', /poolSize\[1\] must be a positive integer/, '0'],
    ['pool strides 1.5', node('c', 'maxPool', ['x'], { poolSize: [2, 2], strides: [1.5, 1], padding: 'same' }), 'maxPool', /strides\[0\]/, '1.5'],
  ])('%s', (_what, n, op, message, actual) => {
    expectGraphError(checkNode(n), { node: 'c', op, actual, message });
  });

  it.each([-1, 0, 1.5, Number.NaN])('dense units %s', (units) => {
    expectGraphError(checkNode(node('fc', 'dense', ['x'], { units }), [null, 8]), { node: 'fc', op: 'dense', expected: 'an integer ≥ 1', actual: String(units), message: /units must be a positive integer/ });
  });

  it.each([
    [[0, 4], '0'],
    [[-2, 4], '-2'],
    [[2.5, 4], '2.5'],
  ])('reshape with a bad size %j', (shape, actual) => {
    expectGraphError(checkNode(node('r', 'reshape', ['x'], { shape }), [null, 8]), { node: 'r', op: 'reshape', expected: 'an integer ≥ 1 or -1', actual, message: /reshape sizes must be positive integers or -1/ });
  });

  it('reshape with two -1', () => {
    expectGraphError(checkNode(node('r', 'reshape', ['x'], { shape: [-1, -1] }), [null, 8]), { node: 'r', op: 'reshape', expected: 'at most one -1', actual: '2' });
  });

  it('reshape without a target shape', () => {
    expectGraphError(checkNode(node('r', 'reshape', ['x'], { shape: [] }), [null, 8]), { node: 'r', op: 'reshape', actual: '[]', message: /needs a target shape/ });
  });

  it.each([
    [[3, 3], '[3, 3] from [?, 8]'],
    [[3, -1], '[3, -1] from [?, 8]'], // 8 / 3 is not an integer
    [[16, -1], '[16, -1] from [?, 8]'],
  ])('reshape that changes the element count: %j', (shape, actual) => {
    expectGraphError(checkNode(node('r', 'reshape', ['x'], { shape }), [null, 8]), { node: 'r', op: 'reshape', expected: '8 elements', actual, message: /cannot change the number of elements/ });
  });
});

describe('attributes: names and numbers', () => {
  it('unknown padding', () => {
    expectGraphError(checkNode(conv('c', ['x'], { padding: 'full' })), { node: 'c', op: 'conv2d', expected: "'same' or 'valid'", actual: 'full', message: /unknown padding/ });
    expectGraphError(checkNode(node('p', 'maxPool', ['x'], { poolSize: [2, 2], strides: [2, 2], padding: 'SAME' })), { node: 'p', op: 'maxPool', actual: 'SAME' });
  });

  it('unknown activation', () => {
    const e = expectGraphError(checkNode(node('a', 'activation', ['x'], { fn: 'tanh' })), { node: 'a', op: 'activation', actual: 'tanh', message: /unknown activation/ });
    expect(e.expected).toBe('relu | relu6 | sigmoid | softmax | linear');
  });

  it('a fused activation must be elementwise: softmax is refused', () => {
    const e = expectGraphError(checkNode(conv('c', ['x'], { activation: 'softmax' })), { node: 'c', op: 'conv2d', actual: 'softmax', message: /unknown fused activation/ });
    expect(e.expected).toBe('relu | relu6 | sigmoid | linear');
    expectGraphError(checkNode(node('fc', 'dense', ['x'], { units: 2, activation: 'tanh' }), [null, 3]), { node: 'fc', op: 'dense', actual: 'tanh' });
  });

  it.each([
    ['conv2d', conv('c', ['x'], { useBias: 'false' }), 'useBias'],
    ['depthwiseConv2d', node('c', 'depthwiseConv2d', ['x'], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1, useBias: 1 }), 'useBias'],
    ['dense', node('c', 'dense', ['x'], { units: 2, useBias: null }), 'useBias'],
    ['globalAvgPool', node('c', 'globalAvgPool', ['x'], { keepDims: 'yes' }), 'keepDims'],
    ['globalMaxPool', node('c', 'globalMaxPool', ['x'], { keepDims: 0 }), 'keepDims'],
  ])('%s: a flag that is not a boolean', (op, n, flag) => {
    const value = (n.attrs as Record<string, unknown>)[flag];
    expectGraphError(checkNode(n), { node: 'c', op, expected: 'true, false or absent', actual: JSON.stringify(value), message: new RegExp(`${flag} must be true or false`) });
  });

  it.each([0, -1e-3, Number.NaN, Number.POSITIVE_INFINITY, '0.001'])('batchNorm epsilon %s', (epsilon) => {
    expectGraphError(checkNode(node('bn', 'batchNorm', ['x'], { epsilon })), { node: 'bn', op: 'batchNorm', expected: 'a finite number > 0', actual: String(epsilon), message: /epsilon must be a positive number/ });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('l2Normalize epsilon %s', (epsilon) => {
    expectGraphError(checkNode(node('l2', 'l2Normalize', ['x'], { axis: -1, epsilon })), { node: 'l2', op: 'l2Normalize', actual: String(epsilon) });
  });

  it.each([1, -0.1, 1.5, Number.NaN])('dropout rate %s', (rate) => {
    expectGraphError(checkNode(node('d', 'dropout', ['x'], { rate })), { node: 'd', op: 'dropout', expected: '0 ≤ rate < 1', actual: String(rate), message: /dropout rate must be in \[0, 1\)/ });
  });

  it('dropout rate 0 is allowed', () => {
    expect(analyzeGraph(graphOf([input(), node('d', 'dropout', ['x'], { rate: 0 })])).shapes.get('d')).toEqual([null, 8, 8, 3]);
  });
});

describe('input shapes', () => {
  it.each([
    [[null, null, 3], 'input dimension 1 must be a positive integer', 'null'],
    [[null, 8, null, 3], 'input dimension 2 must be a positive integer', 'null'],
    [[null, 0], 'input dimension 1', '0'],
    [[null, 2.5], 'input dimension 1', '2.5'],
    [[0, 4], 'input dimension 0 must be a positive integer or null', '0'],
  ])('%j is refused', (shape, problem, actual) => {
    expectGraphError(() => analyzeGraph(graphOf([input('x', shape as Shape)])), { node: 'x', op: 'input', expected: 'an integer ≥ 1', actual, message: new RegExp(problem.replace(/[[\]]/g, '\\$&')) });
  });

  it.each([[[null]], [[]], ['224x224']])('%j has no room for the batch and a feature dimension', (shape) => {
    expectGraphError(() => analyzeGraph(graphOf([input('x', shape as unknown as Shape)])), { node: 'x', op: 'input', expected: '[batch, ...]', message: /input shape must list the batch and at least one more dimension/ });
  });
});

describe('GraphBuilder reports errors at the call that causes them', () => {
  const start = () => {
    const b = new GraphBuilder('b');
    b.input('x', [null, 8, 8, 3]);
    return b;
  };

  it('a bad attribute fails in add(), and the node is not added', () => {
    const b = start();
    expectGraphError(() => b.add('c', 'conv2d', ['x'], { filters: 0, kernelSize: [3, 3], strides: [1, 1], padding: 'same' }), { node: 'c', op: 'conv2d', actual: '0' });
    expect(b.has('c')).toBe(false);
    // The name is free for a correct node afterwards.
    b.add('c', 'conv2d', ['x'], { filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
    expect(b.shapeOf('c')).toEqual([null, 8, 8, 2]);
  });

  it("keeps its own copy of the attributes: changing the caller's object later cannot bypass validation", () => {
    const b = start();
    const attrs = { filters: 2, kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const };
    b.add('c', 'conv2d', ['x'], attrs);
    attrs.kernelSize[0] = 0;
    attrs.filters = -1;
    const g = b.output('c').build();
    expect(g.nodes[1]?.attrs).toEqual({ filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
  });

  it('a duplicate name fails in add()', () => {
    const b = start();
    expectGraphError(() => b.add('x', 'activation', ['x'], { fn: 'relu' }), { node: 'x', op: 'activation', expected: 'a unique name', message: /duplicate node name/ });
  });

  it('an empty name fails in add()', () => {
    expectGraphError(() => start().add('', 'activation', ['x'], { fn: 'relu' }), { op: 'activation', actual: '""', message: /non-empty name/ });
  });

  it('an input that is not yet a node fails in add()', () => {
    expectGraphError(() => start().add('r', 'activation', ['y'], { fn: 'relu' }), { node: 'r', op: 'activation', expected: 'the name of an earlier node', actual: '"y"', message: /input "y" is not an earlier node/ });
  });

  it('incompatible shapes fail in add()', () => {
    const b = start();
    b.input('z', [null, 4, 4, 3]);
    expectGraphError(() => b.add('sum', 'add', ['x', 'z'], {}), { node: 'sum', op: 'add', expected: '[?, 8, 8, 3]', actual: '[?, 4, 4, 3]' });
  });

  it('a bad input shape fails in input()', () => {
    expectGraphError(() => new GraphBuilder('b').input('x', [null, null, 3]), { node: 'x', op: 'input', actual: 'null' });
  });

  it('an output of a missing node fails in output()', () => {
    expectGraphError(() => start().output('nope', 'logits'), { expected: 'the name of a node', actual: '"nope"', message: /output "logits" refers to "nope"/ });
  });

  it('a duplicate output name fails in output(), not later in build()', () => {
    const b = start();
    b.add('r', 'activation', ['x'], { fn: 'relu' });
    b.output('x', 'features');
    expectGraphError(() => b.output('r', 'features'), { expected: 'unique output names', actual: '"features" twice' });
    expect(b.build().outputs).toEqual([{ name: 'features', node: 'x' }]);
  });

  it('build() without outputs fails', () => {
    expectGraphError(() => start().build(), { message: /graph "b" has no outputs/ });
  });

  it('shapeOf() an unknown node fails with its name', () => {
    expectGraphError(() => start().shapeOf('y'), { actual: '"y"', message: /no node named "y" in graph "b"/ });
  });

  it('a base graph is validated first', () => {
    const broken = graphOf([input(), conv('c', ['x'], { padding: 'full' })]);
    expectGraphError(() => new GraphBuilder('head', broken), { node: 'c', op: 'conv2d', actual: 'full' });
  });

  it('extends a base graph, keeping its nodes and shapes', () => {
    const base = start();
    base.add('c', 'conv2d', ['x'], { filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
    const backbone = base.output('c').build();
    const head = new GraphBuilder('head', backbone);
    expect(head.shapeOf('c')).toEqual([null, 4, 4, 2]);
    expect(head.paramsOf('c').map((p) => p.name)).toEqual(['c/kernel']);
    const g = head.output(head.add('pool', 'globalAvgPool', ['c'], {})).build();
    expect(g.nodes.map((n) => n.name)).toEqual(['x', 'c', 'pool']);
    expect(analyzeGraph(g).shapes.get('pool')).toEqual([null, 2]);
  });
});

describe('errors are GraphErrors with a readable message', () => {
  it('formats node, op, problem, expected and actual in that order', () => {
    const e = new GraphError('filters must be a positive integer', { node: 'conv1', op: 'conv2d', expected: 'an integer ≥ 1', actual: '0' });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('node "conv1" (conv2d): filters must be a positive integer (expected an integer ≥ 1, got 0)');
    expect(new GraphError('no outputs').message).toBe('no outputs');
    expect(new GraphError('every node needs a non-empty name', { op: 'dense' }).message).toBe('dense node: every node needs a non-empty name');
  });
});
