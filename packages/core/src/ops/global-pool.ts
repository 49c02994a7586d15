import type { Node, OpName, Shape } from '../types';
import type { OpDef } from './op-def';
import { checkOptionalBoolean, checkRank, dim } from './checks';

function globalPoolShape(node: Node, input: Shape, keepDims: boolean | undefined): Shape {
  checkRank(node, input, 4);
  const channels = dim(node, input, 3);
  return keepDims ? [input[0]!, 1, 1, channels] : [input[0]!, channels];
}

function globalPool<K extends 'globalAvgPool' | 'globalMaxPool'>(name: K): OpDef<K> {
  return {
    name,
    arity: { min: 1, max: 1 },
    checkAttrs: (node) => checkOptionalBoolean(node, 'keepDims', (node.attrs as { keepDims?: unknown }).keepDims),
    inferShape: (node, [input]) => globalPoolShape(node, input!, (node.attrs as { keepDims?: boolean }).keepDims),
    params: () => [],
    multAdds: () => 0,
    layerType: () => 'other',
  } as OpDef<K>;
}

/** Mean over height and width. */
export const globalAvgPoolOp: OpDef<'globalAvgPool'> = globalPool('globalAvgPool');
/** Max over height and width. */
export const globalMaxPoolOp: OpDef<'globalMaxPool'> = globalPool('globalMaxPool');

export type GlobalPoolOpName = Extract<OpName, 'globalAvgPool' | 'globalMaxPool'>;
