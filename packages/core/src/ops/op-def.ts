import type { LayerType, Node, OpName, ParamSpec, Shape } from '../types';

/**
 * Everything core knows about one op: its inputs, attribute checks, shape
 * rule, parameters and cost rule. One file per op under `ops/`.
 */
export interface OpDef<K extends OpName = OpName> {
  readonly name: K;
  /** How many inputs the op takes. */
  readonly arity: { readonly min: number; readonly max: number };
  /** Throws a GraphError naming the attribute when an attribute is out of range. */
  checkAttrs(node: Node<K>): void;
  /** Output shape from input shapes; throws a GraphError on incompatible inputs. */
  inferShape(node: Node<K>, inputs: readonly Shape[]): Shape;
  /** The parameters the node owns, named `<node>/<param>`. */
  params(node: Node<K>, inputs: readonly Shape[]): ParamSpec[];
  /** Mult-adds for one example (batch 1), counted as the paper does. */
  multAdds(node: Node<K>, inputs: readonly Shape[], output: Shape): number;
  /** The paper's Table 2 layer type. */
  layerType(node: Node<K>): LayerType;
}
