import type { ActivationName } from '@mobilenet-kit/core';
import type { Tensor, Tfjs } from '../tfjs-types';
import type { Lowering } from './lowering';

/** Applies an activation with plain tfjs ops (softmax over the last axis). */
export function applyActivation(tf: Tfjs, x: Tensor, fn: ActivationName | undefined): Tensor {
  switch (fn) {
    case undefined:
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softmax':
      return tf.softmax(x, -1);
    default:
      throw new Error(`unknown activation "${String(fn)}" (expected relu | relu6 | sigmoid | softmax | linear)`);
  }
}

export const lowerActivation: Lowering<'activation'> = (node, { tf }) => {
  const fn = node.attrs.fn;
  return ([x]) => applyActivation(tf, x!, fn);
};
