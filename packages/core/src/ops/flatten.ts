import type { OpDef } from './op-def';
import { sizeWithoutBatch } from './checks';

/** `[N, ...] → [N, product of the rest]`. */
export const flattenOp: OpDef<'flatten'> = {
  name: 'flatten',
  arity: { min: 1, max: 1 },
  checkAttrs: () => {},
  inferShape: (node, [input]) => [input![0]!, sizeWithoutBatch(node, input!)],
  params: () => [],
  multAdds: () => 0,
  layerType: () => 'other',
};
