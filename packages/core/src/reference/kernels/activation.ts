import { elementwiseActivation } from './activation-fn';
import type { Kernel } from './kernel';

/** Softmax over the last axis, stable: the row maximum is subtracted before `exp`. */
function softmax(shape: readonly number[], xd: Float32Array): Float32Array {
  const n = shape[shape.length - 1]!;
  const out = new Float32Array(xd.length);
  const e = new Float64Array(n);
  for (let r = 0; r < xd.length; r += n) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (xd[r + i]! > max) max = xd[r + i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += e[i] = Math.exp(xd[r + i]! - max);
    for (let i = 0; i < n; i++) out[r + i] = e[i]! / sum;
  }
  return out;
}

/** A standalone activation: relu, relu6, sigmoid, linear elementwise; softmax over the last axis. */
export const activationKernel: Kernel<'activation'> = (node, [x]) => {
  const { fn } = node.attrs;
  if (fn === 'softmax') return { shape: x!.shape, data: softmax(x!.shape, x!.data) };
  const act = elementwiseActivation(fn);
  const xd = x!.data;
  const out = new Float32Array(xd.length);
  for (let i = 0; i < xd.length; i++) out[i] = act(xd[i]!);
  return { shape: x!.shape, data: out };
};
