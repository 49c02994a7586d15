import { formatShape } from '../errors';
import type { Dim } from '../types';
import type { OpDef } from './op-def';
import { fail } from './checks';

/** Elementwise sum of inputs that all have the same shape (residual connections). */
export const addOp: OpDef<'add'> = {
  name: 'add',
  arity: { min: 2, max: Number.POSITIVE_INFINITY },
  checkAttrs: () => {},
  inferShape(node, inputs) {
    const first = inputs[0]!;
    inputs.forEach((shape, i) => {
      // The batch may be symbolic in one input and fixed in another, but two fixed batches must agree.
      const differs = (d: Dim, a: number) => d !== first[a] && (a > 0 || (d !== null && first[a] !== null));
      if (shape.length !== first.length || shape.some(differs)) {
        fail(node, `input ${i} ("${node.inputs[i]}") has another shape than input 0`, formatShape(first), formatShape(shape));
      }
    });
    return first;
  },
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
