import type { Tensor4D } from '../tfjs-types';
import type { Lowering } from './lowering';

/** Global pools reduce height and width (axes 1 and 2). */
export const lowerGlobalAvgPool: Lowering<'globalAvgPool'> = (node, { tf }) => {
  const keepDims = node.attrs.keepDims ?? false;
  return ([x]) => tf.mean(x!, [1, 2], keepDims);
};

export const lowerGlobalMaxPool: Lowering<'globalMaxPool'> = (node, { tf }) => {
  const keepDims = node.attrs.keepDims ?? false;
  return ([x]) => tf.max(x!, [1, 2], keepDims);
};

/** Window pools; tfjs's 'same' average counts the valid pixels only, as TF does. */
export const lowerAvgPool: Lowering<'avgPool'> = (node, { tf }) => {
  const { poolSize, strides, padding } = node.attrs;
  return ([x]) => tf.avgPool(x as Tensor4D, poolSize, strides, padding);
};

export const lowerMaxPool: Lowering<'maxPool'> = (node, { tf }) => {
  const { poolSize, strides, padding } = node.attrs;
  return ([x]) => tf.maxPool(x as Tensor4D, poolSize, strides, padding);
};
