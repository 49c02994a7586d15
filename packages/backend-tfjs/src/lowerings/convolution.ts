import type { Tensor, Tensor4D } from '../tfjs-types';
import { applyActivation } from './activation';
import type { Lowering } from './lowering';

/**
 * conv2d and depthwiseConv2d. With fused kernels, bias and activation run in
 * the same kernel call (`tf.fused.*`); otherwise conv, add and activation are
 * separate ops. tfjs's 'same' padding is TF's (the odd pixel after), and the
 * depthwise kernel `[kh, kw, in, multiplier]` gives output channel `c·m + j`,
 * as the IR defines.
 */
export const lowerConv2d: Lowering<'conv2d'> = (node, ctx) => {
  const { tf } = ctx;
  const { strides, padding, useBias, activation } = node.attrs;
  const kernel = ctx.param('kernel') as Tensor4D;
  const bias = useBias ? ctx.param('bias') : undefined;
  if (ctx.fused && ctx.hasKernel('FusedConv2D')) {
    return ([x]) => tf.fused.conv2d({ x: x as Tensor4D, filter: kernel, strides, pad: padding, bias, activation: activation ?? 'linear' });
  }
  return ([x]) => {
    const y = tf.conv2d(x as Tensor4D, kernel, strides, padding);
    return applyActivation(tf, bias ? tf.add(y, bias) : y, activation);
  };
};

export const lowerDepthwiseConv2d: Lowering<'depthwiseConv2d'> = (node, ctx) => {
  const { tf } = ctx;
  const { strides, padding, useBias, activation } = node.attrs;
  const kernel = ctx.param('depthwise_kernel') as Tensor4D;
  const bias = useBias ? ctx.param('bias') : undefined;
  if (ctx.fused && ctx.hasKernel('FusedDepthwiseConv2D')) {
    return ([x]) =>
      tf.fused.depthwiseConv2d({ x: x as Tensor4D, filter: kernel, strides, pad: padding, bias, activation: activation ?? 'linear' });
  }
  return ([x]) => {
    const y: Tensor = tf.depthwiseConv2d(x as Tensor4D, kernel, strides, padding);
    return applyActivation(tf, bias ? tf.add(y, bias) : y, activation);
  };
};
