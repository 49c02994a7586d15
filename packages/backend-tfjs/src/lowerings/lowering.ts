import type { AnyNode, Node, OpName } from '@mobilenet-kit/core';
import type { Tensor, Tfjs } from '../tfjs-types';

/** Gives a lowering the uploaded parameter `<node>/<param>`; throws if it is absent. */
export type ParamLookup = (param: string) => Tensor;

export interface LoweringContext {
  readonly tf: Tfjs;
  /** The node's parameters, uploaded once at compile time. */
  readonly param: ParamLookup;
  /** True when the active tfjs backend has this kernel (e.g. `FusedConv2D`). */
  readonly hasKernel: (kernelName: string) => boolean;
  /** Use tfjs's fused kernels (conv/depthwise/matMul + bias + activation) where they exist. */
  readonly fused: boolean;
}

/** A node turned into a function of its input tensors; runs inside the caller's tf.tidy. */
export type NodeKernel = (inputs: readonly Tensor[]) => Tensor;

/** Lowers one node of op K; called once per node at compile time. */
export type Lowering<K extends OpName> = (node: Node<K>, ctx: LoweringContext) => NodeKernel;

export type LoweringTable = { readonly [K in Exclude<OpName, 'input'>]: Lowering<K> };

export function lowerNode(table: LoweringTable, node: AnyNode, ctx: LoweringContext): NodeKernel {
  const lower = table[node.op as Exclude<OpName, 'input'>] as Lowering<OpName>;
  return lower(node as Node<OpName>, ctx);
}
