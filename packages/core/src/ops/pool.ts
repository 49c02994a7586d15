import type { OpDef } from './op-def';
import { checkPadding, checkPair, checkRank, dim, spatialOutput } from './checks';

function windowPool<K extends 'avgPool' | 'maxPool'>(name: K): OpDef<K> {
  return {
    name,
    arity: { min: 1, max: 1 },
    checkAttrs(node) {
      checkPair(node, 'poolSize', node.attrs.poolSize);
      checkPair(node, 'strides', node.attrs.strides);
      checkPadding(node, node.attrs.padding);
    },
    inferShape(node, [input]) {
      checkRank(node, input!, 4);
      const { poolSize, strides, padding } = node.attrs;
      return spatialOutput(node, input!, poolSize, strides, padding, dim(node, input!, 3));
    },
    params: () => [],
    multAdds: () => 0,
    layerType: () => 'other',
  };
}

/** Average pooling over a window; 'same' padding averages over the valid pixels only, as TF does. */
export const avgPoolOp: OpDef<'avgPool'> = windowPool('avgPool');
/** Max pooling over a window. */
export const maxPoolOp: OpDef<'maxPool'> = windowPool('maxPool');
