import { expect } from 'vitest';
import { GraphBuilder, GraphError, graphCost, type Graph, type NodeCost, type OpAttrs, type OpName, type Shape, type Weights, type WeightTensor } from '../src/index';

/** A graph with one input per shape (`x0`, `x1`, …) feeding one node `n`, which is the output. */
export function singleNodeGraph<K extends OpName>(op: K, attrs: OpAttrs[K], inputShapes: readonly Shape[]): Graph {
  const b = new GraphBuilder('single');
  const inputs = inputShapes.map((shape, i) => b.input(`x${i}`, shape));
  b.add('n', op, inputs, attrs);
  return b.output('n').build();
}

/** Shape, parameter and cost facts of node `n` of `singleNodeGraph`. */
export function layerOf<K extends OpName>(op: K, attrs: OpAttrs[K], inputShapes: readonly Shape[]): NodeCost {
  const layer = graphCost(singleNodeGraph(op, attrs, inputShapes)).layers.find((l) => l.name === 'n');
  if (!layer) throw new Error('node n is missing from the cost report');
  return layer;
}

export interface ExpectedGraphError {
  readonly node?: string;
  readonly op?: string;
  /** Substring of the `expected` field (also looked for in the message). */
  readonly expected?: string;
  /** Substring of the `actual` field (also looked for in the message). */
  readonly actual?: string;
  /** What the message must say besides the fields. */
  readonly message?: RegExp;
}

/**
 * Runs `fn`, which must throw a GraphError, and checks its fields and
 * message; returns the error for further checks.
 */
export function expectGraphError(fn: () => unknown, want: ExpectedGraphError): GraphError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a GraphError to be thrown').toBeInstanceOf(GraphError);
  const error = thrown as GraphError;
  expect(error.name).toBe('GraphError');
  if (want.node !== undefined) {
    expect(error.node).toBe(want.node);
    expect(error.message).toContain(`node "${want.node}"`);
  }
  if (want.op !== undefined) {
    expect(error.op).toBe(want.op);
    expect(error.message).toContain(want.node !== undefined ? `node "${want.node}" (${want.op})` : `${want.op} node`);
  }
  if (want.expected !== undefined) {
    expect(error.expected).toContain(want.expected);
    expect(error.message).toContain(`expected ${error.expected}`);
  }
  if (want.actual !== undefined) {
    expect(error.actual).toContain(want.actual);
    expect(error.message).toContain(`got ${error.actual}`);
  }
  if (want.message) expect(error.message).toMatch(want.message);
  return error;
}

/** A weight tensor from plain numbers. */
export function tensor(shape: readonly number[], values: readonly number[]): WeightTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new Error(`tensor: shape [${shape.join(', ')}] needs ${size} values, got ${values.length}`);
  return { shape: [...shape], data: Float32Array.from(values) };
}

/** Weights from `{ name: tensor }`. */
export function weightsOf(entries: Record<string, WeightTensor>): Weights {
  return new Map(Object.entries(entries));
}

/** A deep copy of weights, to compare against after a pass. */
export function copyWeights(weights: Weights): Map<string, { shape: number[]; data: number[] }> {
  return new Map([...weights].map(([name, w]) => [name, { shape: [...w.shape], data: [...w.data] }]));
}

/** Freezes a graph (nodes, inputs, attrs, outputs) so that a pass that mutates it throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A graph that uses every op of the IR, with fused and optional attributes set. */
export function everyOpGraph(): Graph {
  const b = new GraphBuilder('every-op');
  const x = b.input('image', [null, 16, 16, 3]);
  const conv = b.add('stem/conv', 'conv2d', [x], { filters: 8, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu6' });
  const dw = b.add('block/dw', 'depthwiseConv2d', [conv], { kernelSize: [3, 3], strides: [1, 1], padding: 'valid', depthMultiplier: 2 });
  const bn = b.add('block/dw_bn', 'batchNorm', [dw], { epsilon: 1e-3 });
  const act = b.add('block/dw_relu', 'activation', [bn], { fn: 'relu' });
  const pw = b.add('block/pw', 'conv2d', [act], { filters: 16, kernelSize: [1, 1], strides: [1, 1], padding: 'same' });
  const avg = b.add('pool/avg', 'avgPool', [pw], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
  const max = b.add('pool/max', 'maxPool', [pw], { poolSize: [3, 3], strides: [2, 2], padding: 'same' });
  const sum = b.add('merge/add', 'add', [avg, max], {});
  const cat = b.add('merge/concat', 'concat', [avg, sum], { axis: -1 });
  const gap = b.add('head/gap', 'globalAvgPool', [cat], { keepDims: true });
  const gmp = b.add('head/gmp', 'globalMaxPool', [cat], {});
  const flat = b.add('head/flatten', 'flatten', [gap], {});
  const drop = b.add('head/dropout', 'dropout', [flat], { rate: 0.25 });
  const fc = b.add('head/fc', 'dense', [drop], { units: 6, useBias: true });
  const shaped = b.add('head/reshape', 'reshape', [fc], { shape: [-1, 2] });
  const l2 = b.add('head/l2', 'l2Normalize', [gmp], { axis: -1, epsilon: 1e-12 });
  const soft = b.add('head/softmax', 'activation', [shaped], { fn: 'softmax' });
  return b.output(soft, 'probabilities').output(l2, 'embedding').output(conv).build();
}
