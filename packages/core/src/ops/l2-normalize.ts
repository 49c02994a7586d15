import type { OpDef } from './op-def';
import { fail } from './checks';

/** `x / sqrt(max(sum(x²), epsilon))` along one axis (face embeddings). */
export const l2NormalizeOp: OpDef<'l2Normalize'> = {
  name: 'l2Normalize',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    if (!Number.isInteger(node.attrs.axis)) fail(node, 'axis must be an integer', 'an integer', String(node.attrs.axis));
    const eps = node.attrs.epsilon;
    if (typeof eps !== 'number' || !Number.isFinite(eps) || !(eps > 0)) fail(node, 'epsilon must be a positive number', 'a finite number > 0', String(eps));
  },
  inferShape(node, [input]) {
    const rank = input!.length;
    const axis = node.attrs.axis < 0 ? rank + node.attrs.axis : node.attrs.axis;
    if (axis <= 0 || axis >= rank) fail(node, 'axis must be a non-batch axis of the input', `1…${rank - 1} or -${rank - 1}…-1`, String(node.attrs.axis));
    return input!;
  },
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
