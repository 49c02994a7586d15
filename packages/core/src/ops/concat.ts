import { formatShape } from '../errors';
import type { OpDef } from './op-def';
import { dim, fail } from './checks';

/** Concatenation of two or more inputs along one non-batch axis. */
export const concatOp: OpDef<'concat'> = {
  name: 'concat',
  arity: { min: 2, max: Number.POSITIVE_INFINITY },
  checkAttrs(node) {
    if (!Number.isInteger(node.attrs.axis)) fail(node, 'concat axis must be an integer', 'an integer', String(node.attrs.axis));
  },
  inferShape(node, inputs) {
    const first = inputs[0]!;
    const rank = first.length;
    const axis = node.attrs.axis < 0 ? rank + node.attrs.axis : node.attrs.axis;
    if (axis <= 0 || axis >= rank) fail(node, 'concat axis must be a non-batch axis of the inputs', `1…${rank - 1} or -${rank - 1}…-1`, String(node.attrs.axis));
    let total = 0;
    inputs.forEach((shape, i) => {
      if (shape.length !== rank) fail(node, `input ${i} ("${node.inputs[i]}") has another rank`, formatShape(first), formatShape(shape));
      for (let a = 0; a < rank; a++) {
        // The batch may be symbolic in one input and fixed in another, but two fixed batches must agree.
        const batchesAgree = a === 0 && (shape[0] === null || first[0] === null);
        if (a !== axis && shape[a] !== first[a] && !batchesAgree) {
          fail(node, `input ${i} ("${node.inputs[i]}") differs from input 0 along axis ${a}`, formatShape(first), formatShape(shape));
        }
      }
      total += dim(node, shape, axis);
    });
    return first.map((d, a) => (a === axis ? total : d));
  },
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
