import type { Lowering } from './lowering';

/** Inference-form batch norm over the last axis with the moving statistics. */
export const lowerBatchNorm: Lowering<'batchNorm'> = (node, ctx) => {
  const { tf } = ctx;
  const gamma = ctx.param('gamma');
  const beta = ctx.param('beta');
  const mean = ctx.param('moving_mean');
  const variance = ctx.param('moving_variance');
  const { epsilon } = node.attrs;
  return ([x]) => tf.batchNorm(x!, mean, variance, beta, gamma, epsilon);
};

/** `x / sqrt(max(sum(x²), epsilon))` along one axis. */
export const lowerL2Normalize: Lowering<'l2Normalize'> = (node, { tf }) => {
  const { axis, epsilon } = node.attrs;
  return ([x]) => {
    const sumSquares = tf.sum(tf.square(x!), axis, true);
    return tf.mul(x!, tf.rsqrt(tf.maximum(sumSquares, epsilon)));
  };
};
