import { GraphError, formatShape } from '../errors';
import { consumers } from '../graph';
import { OP_PARAMS, paramName } from '../ops/op-params';
import type { AnyNode, Graph, Weights, WeightTensor } from '../types';
import { hasSingleReader, type PassResult, requireWeight, rewriteGraph } from './rewrite';

const FOLDABLE = new Set(['conv2d', 'depthwiseConv2d', 'dense']);

/**
 * Folds every batch norm that directly follows a conv2d, depthwiseConv2d or
 * dense node (with no fused activation, and read by nothing else) into that
 * node: `w' = w · γ/√(σ²+ε)` per output channel and `b' = β + (b − μ) · γ/√(σ²+ε)`.
 * The merged node keeps the producer's name and gains a bias.
 */
export function foldBatchNorm(graph: Graph, weights: Weights): PassResult {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const readers = consumers(graph);
  const removed = new Map<string, string>();
  const replaced = new Map<string, AnyNode>();
  const out = new Map(weights);
  for (const bn of graph.nodes) {
    if (bn.op !== 'batchNorm') continue;
    const producer = byName.get(bn.inputs[0]!);
    if (!producer || !FOLDABLE.has(producer.op) || !hasSingleReader(graph, readers, producer.name)) continue;
    const attrs = producer.attrs as { activation?: string; useBias?: boolean };
    if (attrs.activation !== undefined && attrs.activation !== 'linear') continue;

    const kernelName = `${producer.name}/${producer.op === 'depthwiseConv2d' ? 'depthwise_kernel' : 'kernel'}`;
    const kernel = requireWeight(weights, kernelName, 'foldBatchNorm');
    const [gamma, beta, mean, variance] = OP_PARAMS.batchNorm.map((p) =>
      requireWeight(weights, paramName(bn.name, p), 'foldBatchNorm'),
    ) as [WeightTensor, WeightTensor, WeightTensor, WeightTensor];
    // The output channel is the fastest-varying index of every foldable kernel
    // ([kh, kw, in, out], [kh, kw, in, multiplier] read as in·m + j, [in, out]).
    const channels = producer.op === 'depthwiseConv2d' ? kernel.shape[2]! * kernel.shape[3]! : kernel.shape[kernel.shape.length - 1]!;
    const rank = producer.op === 'dense' ? 2 : 4;
    if (kernel.shape.length !== rank || kernel.shape.reduce((a, b) => a * b, 1) !== kernel.data.length) {
      throw new GraphError(`weight "${kernelName}" is not a rank-${rank} kernel with as many values as its shape says`, {
        node: producer.name,
        op: producer.op,
        expected: `rank ${rank}, ${kernel.shape.reduce((a, b) => a * b, 1)} values`,
        actual: `${formatShape(kernel.shape)}, ${kernel.data.length} values`,
      });
    }
    const oldBias = attrs.useBias ? requireWeight(weights, `${producer.name}/bias`, 'foldBatchNorm') : undefined;
    const perChannel: [string, WeightTensor | undefined][] = [
      [`${bn.name}/gamma`, gamma],
      [`${bn.name}/beta`, beta],
      [`${bn.name}/moving_mean`, mean],
      [`${bn.name}/moving_variance`, variance],
      [`${producer.name}/bias`, oldBias],
    ];
    for (const [name, w] of perChannel) {
      if (w && w.data.length !== channels) {
        throw new GraphError(`weight "${name}" does not match the ${channels} output channels of "${kernelName}" ${formatShape(kernel.shape)}`, {
          node: bn.name,
          op: 'batchNorm',
          expected: `${channels} values`,
          actual: `${w.data.length} values`,
        });
      }
    }
    const scale = new Float32Array(channels);
    for (let c = 0; c < channels; c++) scale[c] = gamma.data[c]! / Math.sqrt(variance.data[c]! + bn.attrs.epsilon);
    const k = new Float32Array(kernel.data.length);
    for (let i = 0; i < k.length; i++) k[i] = kernel.data[i]! * scale[i % channels]!;
    const bias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) bias[c] = beta.data[c]! + ((oldBias?.data[c] ?? 0) - mean.data[c]!) * scale[c]!;

    out.set(kernelName, { shape: kernel.shape, data: k });
    out.set(`${producer.name}/bias`, { shape: [channels], data: bias });
    for (const p of OP_PARAMS.batchNorm) out.delete(paramName(bn.name, p));
    replaced.set(producer.name, { ...producer, attrs: { ...producer.attrs, useBias: true } } as AnyNode);
    removed.set(bn.name, producer.name);
  }
  return { graph: rewriteGraph(graph, removed, replaced), weights: out };
}
