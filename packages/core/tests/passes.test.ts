import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  analyzeGraph,
  foldBatchNorm,
  fuseActivations,
  graphCost,
  optimizeForInference,
  stripTrainingOps,
  type FusableActivation,
  type Graph,
  type PassResult,
  type Weights,
  type WeightTensor,
} from '../src/index';
import { copyWeights, deepFreeze, expectGraphError, tensor, weightsOf } from './helpers';

/**
 * Passes on small hand-computed cases. BN folding: with s = γ / √(σ² + ε),
 * w' = w · s per output channel and b' = β + (b − μ) · s. ε = 0.25 and
 * variances of 3.75 or 0.75 make √(σ² + ε) exactly 2 or 1, so every expected
 * value below is exact in float32.
 */

const EPS = 0.25;

/** Runs a pass on a frozen graph and checks that neither the graph nor the weights changed. */
function runPure(pass: (g: Graph, w: Weights) => PassResult, graph: Graph, weights: Weights): PassResult {
  const graphBefore = structuredClone(graph);
  const weightsBefore = copyWeights(weights);
  const result = pass(deepFreeze(graph), weights);
  expect(graph).toEqual(graphBefore);
  expect(copyWeights(weights)).toEqual(weightsBefore);
  // The result is a valid graph.
  analyzeGraph(result.graph);
  return result;
}

const values = (w: WeightTensor | undefined) => (w ? [...w.data] : undefined);
const nodeNamed = (g: Graph, name: string) => g.nodes.find((n) => n.name === name);

function bnWeights(name: string, gamma: number[], beta: number[], mean: number[], variance: number[]): Record<string, WeightTensor> {
  const c = [gamma.length];
  return {
    [`${name}/gamma`]: tensor(c, gamma),
    [`${name}/beta`]: tensor(c, beta),
    [`${name}/moving_mean`]: tensor(c, mean),
    [`${name}/moving_variance`]: tensor(c, variance),
  };
}

/** x [N, 3, 3, 2] → conv 1×1 (2 filters) → bn → output "features". */
function convBn(options: { useBias?: boolean; activation?: FusableActivation } = {}) {
  const b = new GraphBuilder('conv-bn');
  const x = b.input('x', [null, 3, 3, 2]);
  const conv = b.add('conv', 'conv2d', [x], { filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same', ...options });
  const bn = b.add('bn', 'batchNorm', [conv], { epsilon: EPS });
  const graph = b.output(bn, 'features').build();
  // kernel [1, 1, in 2, out 2]: w(in0,out0)=1, w(in0,out1)=2, w(in1,out0)=3, w(in1,out1)=4
  const weights = weightsOf({
    'conv/kernel': tensor([1, 1, 2, 2], [1, 2, 3, 4]),
    ...(options.useBias ? { 'conv/bias': tensor([2], [2, 4]) } : {}),
    // s = [3 / √4, 0.5 / √1] = [1.5, 0.5]
    ...bnWeights('bn', [3, 0.5], [0.5, -1], [1, 2], [3.75, 0.75]),
  });
  return { graph, weights };
}

describe('foldBatchNorm', () => {
  it('conv2d without a bias: scales the kernel per output channel and creates the bias', () => {
    const { graph, weights } = convBn();
    const { graph: g, weights: w } = runPure(foldBatchNorm, graph, weights);
    expect(g.nodes.map((n) => n.name)).toEqual(['x', 'conv']);
    expect(nodeNamed(g, 'conv')?.attrs).toEqual({ filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true });
    // [1·1.5, 2·0.5, 3·1.5, 4·0.5]
    expect(values(w.get('conv/kernel'))).toEqual([1.5, 1, 4.5, 2]);
    expect(w.get('conv/kernel')?.shape).toEqual([1, 1, 2, 2]);
    // β − μ·s = [0.5 − 1·1.5, −1 − 2·0.5]
    expect(values(w.get('conv/bias'))).toEqual([-1, -2]);
    expect(w.get('conv/bias')?.shape).toEqual([2]);
    expect([...w.keys()].sort()).toEqual(['conv/bias', 'conv/kernel']);
    // The output keeps its name and now reads the conv.
    expect(g.outputs).toEqual([{ name: 'features', node: 'conv' }]);
  });

  it('conv2d with a bias: b′ = β + (b − μ)·s', () => {
    const { graph, weights } = convBn({ useBias: true });
    const { graph: g, weights: w } = runPure(foldBatchNorm, graph, weights);
    expect(values(w.get('conv/kernel'))).toEqual([1.5, 1, 4.5, 2]);
    // [0.5 + (2 − 1)·1.5, −1 + (4 − 2)·0.5]
    expect(values(w.get('conv/bias'))).toEqual([2, 0]);
    expect(nodeNamed(g, 'conv')?.attrs).toMatchObject({ useBias: true });
    expect(w.size).toBe(2);
  });

  it('a 3×3 conv: every spatial position of the kernel is scaled by its output channel', () => {
    const b = new GraphBuilder('conv3');
    const conv = b.add('conv', 'conv2d', [b.input('x', [null, 4, 4, 1])], { filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
    const graph = b.output(b.add('bn', 'batchNorm', [conv], { epsilon: EPS })).build();
    const kernel = Array.from({ length: 18 }, (_, i) => i + 1); // [3, 3, 1, 2]: channel = i % 2
    const weights = weightsOf({ 'conv/kernel': tensor([3, 3, 1, 2], kernel), ...bnWeights('bn', [2, 6], [0, 0], [0, 0], [3.75, 3.75]) }); // s = [1, 3]
    const { weights: w } = runPure(foldBatchNorm, graph, weights);
    expect(values(w.get('conv/kernel'))).toEqual(kernel.map((v, i) => v * (i % 2 === 0 ? 1 : 3)));
    expect(values(w.get('conv/bias'))).toEqual([0, 0]);
  });

  it('depthwiseConv2d with depth multiplier 2: output channel c·m + j', () => {
    const b = new GraphBuilder('dw');
    const dw = b.add('dw', 'depthwiseConv2d', [b.input('x', [null, 4, 4, 2])], { kernelSize: [2, 1], strides: [1, 1], padding: 'same', depthMultiplier: 2 });
    const graph = b.output(b.add('dw_bn', 'batchNorm', [dw], { epsilon: EPS })).build();
    // kernel [kh 2, kw 1, C 2, m 2]; flat index = h·4 + c·2 + j, output channel c·2 + j = index % 4
    const weights = weightsOf({
      'dw/depthwise_kernel': tensor([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]),
      // s = γ / 2 = [1, 2, 3, 4]
      ...bnWeights('dw_bn', [2, 4, 6, 8], [1, 1, 1, 1], [1, 1, 1, 1], [3.75, 3.75, 3.75, 3.75]),
    });
    const { graph: g, weights: w } = runPure(foldBatchNorm, graph, weights);
    // channel (c=0,j=1) is output 1 (scale 2), not j·C + c = 2 (scale 3)
    expect(values(w.get('dw/depthwise_kernel'))).toEqual([1 * 1, 2 * 2, 3 * 3, 4 * 4, 5 * 1, 6 * 2, 7 * 3, 8 * 4]);
    // β − μ·s = 1 − [1, 2, 3, 4]
    expect(values(w.get('dw/bias'))).toEqual([0, -1, -2, -3]);
    expect(w.get('dw/bias')?.shape).toEqual([4]);
    expect(nodeNamed(g, 'dw')?.attrs).toMatchObject({ depthMultiplier: 2, useBias: true });
    expect(g.outputs).toEqual([{ name: 'dw_bn', node: 'dw' }]);
    expect(analyzeGraph(g).params.get('dw')?.map((p) => [p.name, p.shape])).toEqual([
      ['dw/depthwise_kernel', [2, 1, 2, 2]],
      ['dw/bias', [4]],
    ]);
  });

  it('depthwiseConv2d with an existing bias', () => {
    const b = new GraphBuilder('dw');
    const dw = b.add('dw', 'depthwiseConv2d', [b.input('x', [null, 4, 4, 1])], { kernelSize: [1, 1], strides: [1, 1], padding: 'same', depthMultiplier: 2, useBias: true });
    const graph = b.output(b.add('bn', 'batchNorm', [dw], { epsilon: EPS })).build();
    const weights = weightsOf({
      'dw/depthwise_kernel': tensor([1, 1, 1, 2], [1, 1]),
      'dw/bias': tensor([2], [3, -1]),
      ...bnWeights('bn', [2, 1], [0, 1], [1, 1], [3.75, 0.75]), // s = [1, 1]
    });
    const { weights: w } = runPure(foldBatchNorm, graph, weights);
    expect(values(w.get('dw/bias'))).toEqual([0 + (3 - 1) * 1, 1 + (-1 - 1) * 1]);
  });

  it('dense, with and without a bias', () => {
    for (const useBias of [false, true]) {
      const b = new GraphBuilder('fc');
      const fc = b.add('fc', 'dense', [b.input('x', [null, 3])], { units: 2, useBias });
      const graph = b.output(b.add('fc_bn', 'batchNorm', [fc], { epsilon: EPS }), 'out').build();
      const weights = weightsOf({
        'fc/kernel': tensor([3, 2], [1, 2, 3, 4, 5, 6]), // [in, out]: channel = index % 2
        ...(useBias ? { 'fc/bias': tensor([2], [1, 1]) } : {}),
        ...bnWeights('fc_bn', [2, 1], [0.5, 0.25], [0, 3], [0.75, 3.75]), // s = [2, 0.5]
      });
      const { graph: g, weights: w } = runPure(foldBatchNorm, graph, weights);
      expect(values(w.get('fc/kernel'))).toEqual([2, 1, 6, 2, 10, 3]);
      const b0 = useBias ? 1 : 0;
      expect(values(w.get('fc/bias'))).toEqual([0.5 + (b0 - 0) * 2, 0.25 + (b0 - 3) * 0.5]);
      expect(g.nodes.map((n) => n.name)).toEqual(['x', 'fc']);
      expect(g.outputs).toEqual([{ name: 'out', node: 'fc' }]);
    }
  });

  it('folds a conv whose fused activation is linear', () => {
    const { graph, weights } = convBn({ activation: 'linear' });
    expect(runPure(foldBatchNorm, graph, weights).graph.nodes.map((n) => n.op)).toEqual(['input', 'conv2d']);
  });

  describe('does not fold', () => {
    const unchanged = (graph: Graph, weights: Weights) => {
      const result = runPure(foldBatchNorm, graph, weights);
      expect(result.graph).toEqual(graph);
      expect(copyWeights(result.weights)).toEqual(copyWeights(weights));
    };

    it('when the conv output has a second reader', () => {
      const b = new GraphBuilder('two-readers');
      const conv = b.add('conv', 'conv2d', [b.input('x', [null, 3, 3, 2])], { filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same' });
      const bn = b.add('bn', 'batchNorm', [conv], { epsilon: EPS });
      const graph = b.output(b.add('sum', 'add', [bn, conv], {})).build();
      unchanged(graph, convBn().weights);
    });

    it('when the conv output is a graph output', () => {
      const { graph, weights } = convBn();
      unchanged({ ...graph, outputs: [...graph.outputs, { name: 'raw', node: 'conv' }] }, weights);
    });

    it('when the conv already has an activation', () => {
      const { graph, weights } = convBn({ activation: 'relu' });
      unchanged(graph, weights);
    });

    it('when the batch norm follows another op', () => {
      const b = new GraphBuilder('bn-after-input');
      const graph = b.output(b.add('bn', 'batchNorm', [b.input('x', [null, 2])], { epsilon: EPS })).build();
      unchanged(graph, weightsOf(bnWeights('bn', [1, 1], [0, 0], [0, 0], [1, 1])));
    });
  });

  it('rejects batch-norm weights that do not match the output channels', () => {
    const { graph } = convBn();
    const weights = weightsOf({ 'conv/kernel': tensor([1, 1, 3, 2], [1, 2, 3, 4, 5, 6]), ...bnWeights('bn', [1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]) });
    expectGraphError(() => foldBatchNorm(graph, weights), { node: 'bn', op: 'batchNorm', expected: '2 values', actual: '3 values', message: /weight "bn\/gamma" does not match the 2 output channels of "conv\/kernel" \[1, 1, 3, 2\]/ });
    const badBias = weightsOf({ ...Object.fromEntries(convBn({ useBias: true }).weights), 'conv/bias': tensor([3], [0, 0, 0]) });
    expectGraphError(() => foldBatchNorm(convBn({ useBias: true }).graph, badBias), { node: 'bn', expected: '2 values', actual: '3 values', message: /"conv\/bias"/ });
  });

  it('rejects a kernel whose data does not fill its shape', () => {
    const weights = weightsOf({ ...Object.fromEntries(convBn().weights), 'conv/kernel': { shape: [1, 1, 2, 2], data: new Float32Array(3) } });
    expectGraphError(() => foldBatchNorm(convBn().graph, weights), { node: 'conv', op: 'conv2d', expected: '4 values', actual: '3 values' });
  });

  it('names a missing weight', () => {
    expect(() => foldBatchNorm(convBn().graph, new Map())).toThrow(/foldBatchNorm: weight "conv\/kernel" is missing/);
  });
});

describe('fuseActivations', () => {
  const convThen = (fn: 'relu' | 'relu6' | 'sigmoid' | 'softmax' | 'linear') => {
    const b = new GraphBuilder('conv-act');
    const conv = b.add('conv', 'conv2d', [b.input('x', [null, 3, 3, 2])], { filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true });
    return b.output(b.add('act', 'activation', [conv], { fn }), 'y').build();
  };
  const someWeights = weightsOf({ 'conv/kernel': tensor([1, 1, 2, 2], [1, 2, 3, 4]), 'conv/bias': tensor([2], [0, 1]) });

  it.each(['relu', 'relu6', 'sigmoid'] as const)('fuses %s into the conv and keeps the output name', (fn) => {
    const { graph, weights } = runPure(fuseActivations, convThen(fn), someWeights);
    expect(graph.nodes.map((n) => n.name)).toEqual(['x', 'conv']);
    expect(nodeNamed(graph, 'conv')?.attrs).toEqual({ filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true, activation: fn });
    expect(graph.outputs).toEqual([{ name: 'y', node: 'conv' }]);
    expect(weights).toBe(someWeights);
  });

  it('fuses into depthwiseConv2d and dense', () => {
    const b = new GraphBuilder('dw-fc');
    const dw = b.add('dw', 'depthwiseConv2d', [b.input('x', [null, 3, 3, 2])], { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1 });
    const relu = b.add('dw_relu', 'activation', [dw], { fn: 'relu6' });
    const pool = b.add('pool', 'globalAvgPool', [relu], {});
    const fc = b.add('fc', 'dense', [pool], { units: 3 });
    const graph = b.output(b.add('fc_sigmoid', 'activation', [fc], { fn: 'sigmoid' }), 'scores').build();
    const { graph: g } = runPure(fuseActivations, graph, new Map());
    expect(g.nodes.map((n) => `${n.name}:${n.op}`)).toEqual(['x:input', 'dw:depthwiseConv2d', 'pool:globalAvgPool', 'fc:dense']);
    expect(nodeNamed(g, 'dw')?.attrs).toMatchObject({ activation: 'relu6' });
    expect(nodeNamed(g, 'fc')?.attrs).toMatchObject({ activation: 'sigmoid' });
    expect(nodeNamed(g, 'pool')?.inputs).toEqual(['dw']);
    expect(g.outputs).toEqual([{ name: 'scores', node: 'fc' }]);
  });

  it('does not fuse softmax (not elementwise)', () => {
    const graph = convThen('softmax');
    expect(runPure(fuseActivations, graph, someWeights).graph).toEqual(graph);
  });

  it('removes a standalone linear activation and rewires its readers', () => {
    const b = new GraphBuilder('linear');
    const x = b.input('x', [null, 4]);
    const lin = b.add('lin', 'activation', [x], { fn: 'linear' });
    const relu = b.add('relu', 'activation', [lin], { fn: 'relu' });
    const graph = b.output(relu).output(lin, 'identity').build();
    const { graph: g } = runPure(fuseActivations, graph, new Map());
    expect(g.nodes.map((n) => n.name)).toEqual(['x', 'relu']);
    expect(nodeNamed(g, 'relu')?.inputs).toEqual(['x']);
    expect(g.outputs).toEqual([
      { name: 'relu', node: 'relu' },
      { name: 'identity', node: 'x' },
    ]);
  });

  it('does not fuse when the producer has another reader or is a graph output', () => {
    const b = new GraphBuilder('shared');
    const conv = b.add('conv', 'conv2d', [b.input('x', [null, 3, 3, 2])], { filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same' });
    const relu = b.add('relu', 'activation', [conv], { fn: 'relu' });
    const shared = b.output(b.add('sum', 'add', [relu, conv], {})).build();
    expect(runPure(fuseActivations, shared, new Map()).graph).toEqual(shared);
    const asOutput = convThen('relu');
    const exposed = { ...asOutput, outputs: [...asOutput.outputs, { name: 'pre', node: 'conv' }] };
    expect(runPure(fuseActivations, exposed, someWeights).graph).toEqual(exposed);
  });

  it('does not fuse into a node that already has an activation, or into other ops', () => {
    const b = new GraphBuilder('busy');
    const conv = b.add('conv', 'conv2d', [b.input('x', [null, 3, 3, 2])], { filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'same', activation: 'relu' });
    const bn = b.add('bn', 'batchNorm', [b.add('sig', 'activation', [conv], { fn: 'sigmoid' })], { epsilon: 1e-3 });
    const graph = b.output(b.add('relu', 'activation', [bn], { fn: 'relu' })).build();
    expect(runPure(fuseActivations, graph, new Map()).graph).toEqual(graph);
  });

  it('replaces a fused linear activation', () => {
    const b = new GraphBuilder('was-linear');
    const fc = b.add('fc', 'dense', [b.input('x', [null, 4])], { units: 2, activation: 'linear' });
    const graph = b.output(b.add('relu', 'activation', [fc], { fn: 'relu' })).build();
    expect(nodeNamed(runPure(fuseActivations, graph, new Map()).graph, 'fc')?.attrs).toEqual({ units: 2, activation: 'relu' });
  });
});

describe('stripTrainingOps', () => {
  it('removes dropout, rewires its readers and keeps the output names', () => {
    const b = new GraphBuilder('head');
    const x = b.input('x', [null, 8]);
    const d1 = b.add('drop1', 'dropout', [x], { rate: 0.5 });
    const d2 = b.add('drop2', 'dropout', [d1], { rate: 0.1 });
    const fc = b.add('fc', 'dense', [d2], { units: 2 });
    const graph = b.output(fc, 'logits').output(d2, 'features').build();
    const weights = weightsOf({ 'fc/kernel': tensor([8, 2], Array.from({ length: 16 }, (_, i) => i)) });
    const result = runPure(stripTrainingOps, graph, weights);
    expect(result.graph.nodes.map((n) => n.name)).toEqual(['x', 'fc']);
    expect(nodeNamed(result.graph, 'fc')?.inputs).toEqual(['x']);
    expect(result.graph.outputs).toEqual([
      { name: 'logits', node: 'fc' },
      { name: 'features', node: 'x' },
    ]);
    expect(result.weights).toBe(weights);
  });

  it('leaves a graph without dropout as it is', () => {
    const b = new GraphBuilder('plain');
    const graph = b.output(b.add('r', 'activation', [b.input('x', [null, 2])], { fn: 'relu' })).build();
    expect(runPure(stripTrainingOps, graph, new Map()).graph).toEqual(graph);
  });
});

describe('optimizeForInference', () => {
  /** A tiny MobileNet: conv/BN/ReLU6, one depthwise-separable block, pooling, dropout, FC, softmax. */
  function tinyMobileNet() {
    const b = new GraphBuilder('tiny-mobilenet');
    let t = b.input('image', [null, 8, 8, 3]);
    const unit = (name: string, op: 'conv2d' | 'depthwiseConv2d', attrs: object) => {
      t = b.add(name, op, [t], attrs as never);
      t = b.add(`${name}_bn`, 'batchNorm', [t], { epsilon: EPS });
      t = b.add(`${name}_relu`, 'activation', [t], { fn: 'relu6' });
    };
    unit('conv1', 'conv2d', { filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
    unit('conv_dw_1', 'depthwiseConv2d', { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1 });
    unit('conv_pw_1', 'conv2d', { filters: 4, kernelSize: [1, 1], strides: [1, 1], padding: 'same' });
    t = b.add('pool', 'globalAvgPool', [t], {});
    t = b.add('dropout', 'dropout', [t], { rate: 0.001 });
    t = b.add('logits', 'dense', [t], { units: 3, useBias: true });
    const graph = b.output(b.add('softmax', 'activation', [t], { fn: 'softmax' }), 'probabilities').output('conv_pw_1_relu', 'features').build();
    const ones = (n: number) => Array.from({ length: n }, () => 1);
    const weights = weightsOf({
      'conv1/kernel': tensor([3, 3, 3, 2], ones(54)),
      ...bnWeights('conv1_bn', [2, 4], [0, 1], [1, 0], [3.75, 3.75]), // s = [1, 2]
      'conv_dw_1/depthwise_kernel': tensor([3, 3, 2, 1], ones(18)),
      ...bnWeights('conv_dw_1_bn', [2, 2], [0, 0], [0, 0], [3.75, 3.75]), // s = [1, 1]
      'conv_pw_1/kernel': tensor([1, 1, 2, 4], ones(8)),
      ...bnWeights('conv_pw_1_bn', [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0.75, 0.75, 0.75, 0.75]),
      'logits/kernel': tensor([4, 3], ones(12)),
      'logits/bias': tensor([3], [0, 0, 0]),
    });
    return { graph, weights };
  }

  it('drops dropout, folds every BN and fuses every ReLU6', () => {
    const { graph, weights } = tinyMobileNet();
    const { graph: g, weights: w } = runPure(optimizeForInference, graph, weights);
    expect(g.nodes.map((n) => `${n.name}:${n.op}`)).toEqual(['image:input', 'conv1:conv2d', 'conv_dw_1:depthwiseConv2d', 'conv_pw_1:conv2d', 'pool:globalAvgPool', 'logits:dense', 'softmax:activation']);
    for (const name of ['conv1', 'conv_dw_1', 'conv_pw_1']) expect(nodeNamed(g, name)?.attrs).toMatchObject({ useBias: true, activation: 'relu6' });
    expect(nodeNamed(g, 'logits')?.inputs).toEqual(['pool']);
    expect(g.outputs).toEqual([
      { name: 'probabilities', node: 'softmax' },
      { name: 'features', node: 'conv_pw_1' },
    ]);
    expect([...w.keys()].sort()).toEqual(['conv1/bias', 'conv1/kernel', 'conv_dw_1/bias', 'conv_dw_1/depthwise_kernel', 'conv_pw_1/bias', 'conv_pw_1/kernel', 'logits/bias', 'logits/kernel']);
    expect(values(w.get('conv1/kernel'))).toEqual(Array.from({ length: 54 }, (_, i) => (i % 2 === 0 ? 1 : 2)));
    expect(values(w.get('conv1/bias'))).toEqual([0 - 1 * 1, 1 - 0 * 2]);
    // The weights match the parameters that the optimized graph declares.
    const declared = [...analyzeGraph(g).params.values()].flat().map((p) => [p.name, p.shape]);
    expect(declared.sort()).toEqual([...w].map(([name, t]) => [name, t.shape]).sort());
  });

  it('keeps mult-adds and kernel parameters, trading BN parameters for biases', () => {
    const { graph, weights } = tinyMobileNet();
    const before = graphCost(graph).totals;
    const after = graphCost(optimizeForInference(graph, weights).graph).totals;
    expect(after.multAdds).toBe(before.multAdds);
    expect(after.params).toBe(before.params);
    expect(before.bnParams).toBe(4 * (2 + 2 + 4));
    expect(after.bnParams).toBe(0);
    expect(after.biasParams).toBe(2 + 2 + 4 + 3);
  });

  it('is idempotent', () => {
    const { graph, weights } = tinyMobileNet();
    const once = optimizeForInference(graph, weights);
    const twice = optimizeForInference(once.graph, once.weights);
    expect(twice.graph).toEqual(once.graph);
    expect(copyWeights(twice.weights)).toEqual(copyWeights(once.weights));
  });
});
