import type { OpName } from '../../types';
import { activationKernel } from './activation';
import { addKernel } from './add';
import { avgPoolKernel } from './avg-pool';
import { batchNormKernel } from './batch-norm';
import { concatKernel } from './concat';
import { conv2dKernel } from './conv2d';
import { denseKernel } from './dense';
import { depthwiseConv2dKernel } from './depthwise-conv2d';
import { dropoutKernel } from './dropout';
import { flattenKernel } from './flatten';
import { globalAvgPoolKernel } from './global-avg-pool';
import { globalMaxPoolKernel } from './global-max-pool';
import type { Kernel } from './kernel';
import { l2NormalizeKernel } from './l2-normalize';
import { maxPoolKernel } from './max-pool';
import { reshapeKernel } from './reshape';

/** The reference kernel of every op except `input` (the interpreter binds inputs itself). */
export const REFERENCE_KERNELS: { readonly [K in Exclude<OpName, 'input'>]: Kernel<K> } = {
  conv2d: conv2dKernel,
  depthwiseConv2d: depthwiseConv2dKernel,
  batchNorm: batchNormKernel,
  activation: activationKernel,
  globalAvgPool: globalAvgPoolKernel,
  globalMaxPool: globalMaxPoolKernel,
  avgPool: avgPoolKernel,
  maxPool: maxPoolKernel,
  dense: denseKernel,
  dropout: dropoutKernel,
  flatten: flattenKernel,
  reshape: reshapeKernel,
  concat: concatKernel,
  add: addKernel,
  l2Normalize: l2NormalizeKernel,
};

export type { Kernel } from './kernel';
