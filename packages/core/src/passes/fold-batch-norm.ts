import { GraphError } from '../errors';
import { consumers } from '../graph';
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
    const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) =>
      requireWeight(weights, `${bn.name}/${p}`, 'foldBatchNorm'),
    ) as [WeightTensor, WeightTensor, WeightTensor, WeightTensor];
    const channels = gamma.data.length;
    // The output channel is the fastest-varying index of every foldable kernel
    // ([kh, kw, in, out], [kh, kw, in, multiplier] read as in·m + j, [in, out]).
    if (kernel.data.length % channels !== 0) {
      throw new GraphError('batch norm channels do not match the kernel', { node: bn.name, op: 'batchNorm', expected: `a divisor of ${kernel.data.length}`, actual: `${channels}` });
    }
    const scale = new Float32Array(channels);
    for (let c = 0; c < channels; c++) scale[c] = gamma.data[c]! / Math.sqrt(variance.data[c]! + bn.attrs.epsilon);
    const k = new Float32Array(kernel.data.length);
    for (let i = 0; i < k.length; i++) k[i] = kernel.data[i]! * scale[i % channels]!;
    const oldBias = attrs.useBias ? requireWeight(weights, `${producer.name}/bias`, 'foldBatchNorm').data : undefined;
    const bias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) bias[c] = beta.data[c]! + ((oldBias?.[c] ?? 0) - mean.data[c]!) * scale[c]!;

    out.set(kernelName, { shape: kernel.shape, data: k });
    out.set(`${producer.name}/bias`, { shape: [channels], data: bias });
    for (const p of ['gamma', 'beta', 'moving_mean', 'moving_variance']) out.delete(`${bn.name}/${p}`);
    replaced.set(producer.name, { ...producer, attrs: { ...producer.attrs, useBias: true } } as AnyNode);
    removed.set(bn.name, producer.name);
  }
  return { graph: rewriteGraph(graph, removed, replaced), weights: out };
}
