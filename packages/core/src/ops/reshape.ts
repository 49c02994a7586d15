import { formatShape } from '../errors';
import type { OpDef } from './op-def';
import { fail, sizeWithoutBatch } from './checks';

/** Reshape the non-batch dimensions; one `-1` is inferred. */
export const reshapeOp: OpDef<'reshape'> = {
  name: 'reshape',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    const shape = node.attrs.shape;
    if (!Array.isArray(shape) || shape.length === 0) fail(node, 'reshape needs a target shape', 'a non-empty array', JSON.stringify(shape));
    let inferred = 0;
    for (const d of shape) {
      if (d === -1) inferred++;
      else if (!Number.isInteger(d) || d <= 0) fail(node, 'reshape sizes must be positive integers or -1', 'an integer ≥ 1 or -1', String(d));
    }
    if (inferred > 1) fail(node, 'reshape may infer at most one dimension', 'at most one -1', `${inferred}`);
  },
  inferShape(node, [input]) {
    const size = sizeWithoutBatch(node, input!);
    const known = node.attrs.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const target = node.attrs.shape.map((d) => (d === -1 ? size / known : d));
    if (target.some((d) => !Number.isInteger(d)) || target.reduce((a, b) => a * b, 1) !== size) {
      fail(node, 'reshape cannot change the number of elements', `${size} elements`, `${formatShape(node.attrs.shape)} from ${formatShape(input!)}`);
    }
    return [input![0]!, ...target];
  },
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
