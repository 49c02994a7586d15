import type { HostTensor } from '../../backend';
import type { Node, OpName, WeightTensor } from '../../types';

/**
 * One op's reference implementation: the node (with its attributes), its
 * input tensors in node order, and a lookup of the node's own parameters by
 * short name (`kernel`, `bias`, `gamma`, …).
 */
export type Kernel<K extends OpName> = (node: Node<K>, inputs: readonly HostTensor[], param: (name: string) => WeightTensor) => HostTensor;
