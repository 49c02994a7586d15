import type { Tensor } from '../tfjs-types';
import { applyActivation } from './activation';
import type { Lowering } from './lowering';

/**
 * Fully connected on the last axis. Rank-2 inputs go straight to matMul;
 * higher ranks are flattened to `[positions, inUnits]` and reshaped back.
 */
export const lowerDense: Lowering<'dense'> = (node, ctx) => {
  const { tf } = ctx;
  const { units, useBias, activation } = node.attrs;
  const kernel = ctx.param('kernel');
  const bias = useBias ? ctx.param('bias') : undefined;
  const inUnits = kernel.shape[0]!;
  const useFused = ctx.fused && ctx.hasKernel('_FusedMatMul');
  const matMul = (x2d: Tensor): Tensor => {
    if (useFused) return tf.fused.matMul({ a: x2d as never, b: kernel as never, bias, activation: activation ?? 'linear' });
    const y = tf.matMul(x2d as never, kernel as never);
    return applyActivation(tf, bias ? tf.add(y, bias) : y, activation);
  };
  return ([x]) => {
    if (x!.rank === 2) return matMul(x!);
    const lead = x!.shape.slice(0, -1);
    const y = matMul(tf.reshape(x!, [-1, inUnits]));
    return tf.reshape(y, [...lead, units]);
  };
};
