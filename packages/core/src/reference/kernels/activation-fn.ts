import type { ActivationName } from '../../types';

/** Elementwise activations, evaluated in float64 before the float32 store. */
export function elementwiseActivation(fn: Exclude<ActivationName, 'softmax'> | undefined): (x: number) => number {
  switch (fn) {
    case undefined:
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'relu6':
      return (x) => (x > 0 ? (x < 6 ? x : 6) : 0);
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    default:
      throw new Error(`reference: unknown elementwise activation "${String(fn)}"`);
  }
}
