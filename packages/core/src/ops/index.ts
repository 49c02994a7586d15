import type { OpName } from '../types';
import { activationOp } from './activation';
import { addOp } from './add';
import { batchNormOp } from './batch-norm';
import { concatOp } from './concat';
import { conv2dOp } from './conv2d';
import { depthwiseConv2dOp } from './depthwise-conv2d';
import { denseOp } from './dense';
import { dropoutOp } from './dropout';
import { flattenOp } from './flatten';
import { globalAvgPoolOp, globalMaxPoolOp } from './global-pool';
import { inputOp } from './input';
import { l2NormalizeOp } from './l2-normalize';
import type { OpDef } from './op-def';
import { avgPoolOp, maxPoolOp } from './pool';
import { reshapeOp } from './reshape';

/** Every op of the IR, by name. */
export const OPS: { readonly [K in OpName]: OpDef<K> } = {
  input: inputOp,
  conv2d: conv2dOp,
  depthwiseConv2d: depthwiseConv2dOp,
  batchNorm: batchNormOp,
  activation: activationOp,
  globalAvgPool: globalAvgPoolOp,
  globalMaxPool: globalMaxPoolOp,
  avgPool: avgPoolOp,
  maxPool: maxPoolOp,
  dense: denseOp,
  dropout: dropoutOp,
  flatten: flattenOp,
  reshape: reshapeOp,
  concat: concatOp,
  add: addOp,
  l2Normalize: l2NormalizeOp,
};

export const OP_NAMES = Object.keys(OPS) as OpName[];

export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.hasOwn(OPS, name);
}

export type { OpDef } from './op-def';
export { samePadding } from './checks';
