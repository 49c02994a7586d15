import type { OpDef } from './op-def';
import { fail } from './checks';

/** Dropout: identity at inference, removed by `stripTrainingOps`. */
export const dropoutOp: OpDef<'dropout'> = {
  name: 'dropout',
  arity: { min: 1, max: 1 },
  checkAttrs(node) {
    const r = node.attrs.rate;
    if (typeof r !== 'number' || !(r >= 0 && r < 1)) fail(node, 'dropout rate must be in [0, 1)', '0 ≤ rate < 1', String(r));
  },
  inferShape: (_node, [input]) => input!,
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
