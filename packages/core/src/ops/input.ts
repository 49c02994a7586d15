import type { OpDef } from './op-def';
import { fail } from './checks';

/** A graph input: no inputs, shape given (batch usually `null`). */
export const inputOp: OpDef<'input'> = {
  name: 'input',
  arity: { min: 0, max: 0 },
  checkAttrs(node) {
    const shape = node.attrs.shape;
    if (!Array.isArray(shape) || shape.length < 2) {
      fail(node, 'input shape must list the batch and at least one more dimension', '[batch, ...]', JSON.stringify(shape));
    }
    shape.forEach((d, i) => {
      if (d === null && i === 0) return;
      if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) {
        fail(node, `input dimension ${i} must be a positive integer${i === 0 ? ' or null' : ''}`, 'an integer ≥ 1', String(d));
      }
    });
  },
  inferShape: (node) => node.attrs.shape,
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
