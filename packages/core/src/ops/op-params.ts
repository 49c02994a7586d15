import type { OpName } from '../types';

/**
 * The parameters each op reads, by the suffix of their weight names: node
 * "conv_dw_1" of op depthwiseConv2d reads `conv_dw_1/depthwise_kernel` and,
 * with `useBias`, `conv_dw_1/bias` (Keras's names, so imported weights keep
 * theirs). Ops not listed read none. Shapes are in core's README.
 */
export const OP_PARAMS = Object.freeze({
  conv2d: Object.freeze(['kernel', 'bias'] as const),
  depthwiseConv2d: Object.freeze(['depthwise_kernel', 'bias'] as const),
  dense: Object.freeze(['kernel', 'bias'] as const),
  batchNorm: Object.freeze(['gamma', 'beta', 'moving_mean', 'moving_variance'] as const),
} satisfies Partial<Record<OpName, readonly string[]>>);

/** The weight name of a node's parameter: `paramName('conv1', 'kernel')` → `conv1/kernel`. */
export function paramName(node: string, param: string): string {
  return `${node}/${param}`;
}
