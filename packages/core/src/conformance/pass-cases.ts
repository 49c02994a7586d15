import { GraphBuilder } from '../graph-builder';
import { foldBatchNorm } from '../passes/fold-batch-norm';
import { fuseActivations } from '../passes/fuse-activations';
import { optimizeForInference } from '../passes/inference-passes';
import type { PassResult } from '../passes/rewrite';
import { stripTrainingOps } from '../passes/strip-training-ops';
import type { Graph, Weights } from '../types';
import type { Fixture } from './check';
import type { Prng } from './prng';
import { randomInputs, randomWeights } from './random-tensors';

/** A pass case: a graph built for one pass, and whether the pass must change it. */
export interface PassCaseSpec {
  readonly name: string;
  readonly quick: boolean;
  readonly passName: string;
  readonly pass: (graph: Graph, weights: Weights) => PassResult;
  /** False for graphs the pass must leave alone (the case then checks it did no harm). */
  readonly expectChange: boolean;
  build(prng: Prng): Fixture;
}

type Chain = (b: GraphBuilder, x: string) => string;

/** Input `[2, h, w, c]` then `chain`, output `y`; random weights and inputs in [-2, 2]. */
function chainFixture(name: string, inputShape: readonly number[], chain: Chain, extraOutputs: readonly string[] = []) {
  return (prng: Prng): Fixture => {
    const b = new GraphBuilder(`conformance_${name}`);
    const y = chain(b, b.input('x', [null, ...inputShape]));
    b.output(y, 'y');
    for (const node of extraOutputs) b.output(node);
    const graph = b.build();
    return { graph, weights: randomWeights(graph, prng), inputs: randomInputs(graph, prng, 2, [-2, 2]) };
  };
}

const conv = (b: GraphBuilder, name: string, x: string, filters: number, k: number, s: number, useBias = false) =>
  b.add(name, 'conv2d', [x], { filters, kernelSize: [k, k], strides: [s, s], padding: 'same', useBias });
const depthwise = (b: GraphBuilder, name: string, x: string, m: number, s: number) =>
  b.add(name, 'depthwiseConv2d', [x], { kernelSize: [3, 3], strides: [s, s], padding: 'same', depthMultiplier: m });
const bn = (b: GraphBuilder, name: string, x: string) => b.add(name, 'batchNorm', [x], { epsilon: 1e-3 });
const act = (b: GraphBuilder, name: string, x: string, fn: 'relu' | 'relu6' | 'sigmoid' | 'softmax' | 'linear') => b.add(name, 'activation', [x], { fn });

/** The pass cases: each graph before a pass and after it must give the reference outputs of the graph before. */
export function passCaseSpecs(): PassCaseSpec[] {
  const fold = { passName: 'foldBatchNorm', pass: foldBatchNorm };
  const fuse = { passName: 'fuseActivations', pass: fuseActivations };
  const strip = { passName: 'stripTrainingOps', pass: stripTrainingOps };
  const all = { passName: 'optimizeForInference', pass: optimizeForInference };
  return [
    { ...fold, name: 'foldBatchNorm conv2d+BN', quick: true, expectChange: true, build: chainFixture('fold_conv', [7, 8, 3], (b, x) => bn(b, 'bn', conv(b, 'conv', x, 5, 3, 1))) },
    { ...fold, name: 'foldBatchNorm conv2d(bias)+BN', quick: false, expectChange: true, build: chainFixture('fold_conv_bias', [6, 6, 4], (b, x) => bn(b, 'bn', conv(b, 'conv', x, 3, 1, 1, true))) },
    { ...fold, name: 'foldBatchNorm depthwise m2 s2+BN', quick: true, expectChange: true, build: chainFixture('fold_dw', [8, 6, 3], (b, x) => bn(b, 'bn', depthwise(b, 'dw', x, 2, 2))) },
    {
      ...fold,
      name: 'foldBatchNorm dense+BN',
      quick: false,
      expectChange: true,
      build: chainFixture('fold_dense', [12], (b, x) => bn(b, 'bn', b.add('fc', 'dense', [x], { units: 7 }))),
    },
    {
      ...fold,
      name: 'foldBatchNorm conv2d+BN+relu6 (stride 2, even input)',
      quick: true,
      expectChange: true,
      build: chainFixture('fold_conv_relu6', [8, 8, 3], (b, x) => act(b, 'relu', bn(b, 'bn', conv(b, 'conv', x, 4, 3, 2)), 'relu6')),
    },
    {
      ...fold,
      name: 'foldBatchNorm leaves a conv read twice alone',
      quick: false,
      expectChange: false,
      build: chainFixture('fold_two_readers', [5, 5, 2], (b, x) => bn(b, 'bn', conv(b, 'conv', x, 3, 3, 1)), ['conv']),
    },
    { ...fuse, name: 'fuseActivations conv2d+relu6', quick: true, expectChange: true, build: chainFixture('fuse_conv', [7, 7, 3], (b, x) => act(b, 'act', conv(b, 'conv', x, 4, 3, 1, true), 'relu6')) },
    { ...fuse, name: 'fuseActivations depthwise+relu', quick: false, expectChange: true, build: chainFixture('fuse_dw', [6, 7, 3], (b, x) => act(b, 'act', depthwise(b, 'dw', x, 1, 1), 'relu')) },
    {
      ...fuse,
      name: 'fuseActivations dense+sigmoid',
      quick: true,
      expectChange: true,
      build: chainFixture('fuse_dense', [9], (b, x) => act(b, 'act', b.add('fc', 'dense', [x], { units: 5, useBias: true }), 'sigmoid')),
    },
    { ...fuse, name: 'fuseActivations drops a linear activation', quick: false, expectChange: true, build: chainFixture('fuse_linear', [5, 5, 2], (b, x) => act(b, 'act', conv(b, 'conv', x, 3, 1, 1), 'linear')) },
    {
      ...fuse,
      name: 'fuseActivations leaves softmax alone',
      quick: false,
      expectChange: false,
      build: chainFixture('fuse_softmax', [10], (b, x) => act(b, 'act', b.add('fc', 'dense', [x], { units: 6 }), 'softmax')),
    },
    {
      ...strip,
      name: 'stripTrainingOps conv2d+dropout+relu6',
      quick: true,
      expectChange: true,
      build: chainFixture('strip_conv', [6, 6, 3], (b, x) => act(b, 'act', b.add('drop', 'dropout', [conv(b, 'conv', x, 4, 3, 1)], { rate: 0.5 }), 'relu6')),
    },
    {
      ...strip,
      name: 'stripTrainingOps dense+dropout+dense',
      quick: false,
      expectChange: true,
      build: chainFixture('strip_dense', [8], (b, x) => b.add('fc2', 'dense', [b.add('drop', 'dropout', [b.add('fc1', 'dense', [x], { units: 6 })], { rate: 0.2 })], { units: 4 })),
    },
    {
      ...all,
      name: 'optimizeForInference on a MobileNet block with a classifier head',
      quick: true,
      expectChange: true,
      build: chainFixture('optimize_block', [9, 8, 3], (b, x) => {
        let y = act(b, 'conv1_relu', bn(b, 'conv1_bn', conv(b, 'conv1', x, 8, 3, 2)), 'relu6');
        y = act(b, 'conv_dw_1_relu', bn(b, 'conv_dw_1_bn', depthwise(b, 'conv_dw_1', y, 1, 1)), 'relu6');
        y = act(b, 'conv_pw_1_relu', bn(b, 'conv_pw_1_bn', conv(b, 'conv_pw_1', y, 16, 1, 1)), 'relu6');
        y = b.add('pool', 'globalAvgPool', [y], {});
        y = b.add('dropout', 'dropout', [y], { rate: 0.001 });
        return act(b, 'predictions', b.add('fc', 'dense', [y], { units: 10, useBias: true }), 'softmax');
      }),
    },
  ];
}
