import type { OpDef } from './op-def';
import { ACTIVATIONS, fail } from './checks';

/** A standalone activation (relu, relu6, sigmoid, softmax over the last axis, linear). */
export const activationOp: OpDef<'activation'> = {
  name: 'activation',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    if (!(ACTIVATIONS as readonly unknown[]).includes(node.attrs.fn)) {
      fail(node, 'unknown activation', ACTIVATIONS.join(' | '), String(node.attrs.fn));
    }
  },
  inferShape: (_node, [input]) => input!,
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
