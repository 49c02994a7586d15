import { lowerActivation } from './activation';
import { lowerConv2d, lowerDepthwiseConv2d } from './convolution';
import { lowerDense } from './dense';
import type { LoweringTable } from './lowering';
import { lowerBatchNorm, lowerL2Normalize } from './normalization';
import { lowerAvgPool, lowerGlobalAvgPool, lowerGlobalMaxPool, lowerMaxPool } from './pooling';
import { lowerAdd, lowerConcat, lowerDropout, lowerFlatten, lowerReshape } from './structure';

/** One tfjs lowering per IR op (`input` is fed, not lowered). */
export const TFJS_LOWERINGS: LoweringTable = {
  conv2d: lowerConv2d,
  depthwiseConv2d: lowerDepthwiseConv2d,
  batchNorm: lowerBatchNorm,
  activation: lowerActivation,
  globalAvgPool: lowerGlobalAvgPool,
  globalMaxPool: lowerGlobalMaxPool,
  avgPool: lowerAvgPool,
  maxPool: lowerMaxPool,
  dense: lowerDense,
  dropout: lowerDropout,
  flatten: lowerFlatten,
  reshape: lowerReshape,
  concat: lowerConcat,
  add: lowerAdd,
  l2Normalize: lowerL2Normalize,
};

export { applyActivation } from './activation';
export type { Lowering, LoweringContext, LoweringTable, NodeKernel, ParamLookup } from './lowering';
