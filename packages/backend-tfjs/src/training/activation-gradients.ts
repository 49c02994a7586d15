import type * as tfc from '@tensorflow/tfjs-core';
import { hostKernel, type KernelBackendLike } from './backend-calls';

/*
 * The gradients of Relu and ClipByValue (tfjs-layers' ReLU with maxValue 6,
 * MobileNet's relu6, is the two in a row) as one pass over host data each:
 * dx = dy where x lies in the op's range, else 0. tfjs-core builds them from
 * Step and Multiply (Relu) and GreaterEqual, LessEqual, LogicalAnd, ZerosLike
 * and Select (ClipByValue): seven kernels per relu6, 12% of a wasm training
 * step (tf.profile, shallow 0.5 MobileNet-32, batch 64). Where the active
 * backend lacks the kernel, tfjs-core's formula runs.
 */

type Tf = typeof tfc;
type TensorInfo = tfc.TensorInfo;

export const RANGE_GRADIENT_KERNEL = 'MobilenetKitRangeGradient';

interface RangeAttrs {
  /** dy passes where low < x (lowInclusive: low ≤ x) and x ≤ high. */
  low: number;
  lowInclusive: boolean;
  high: number;
}

/** Writes every element of `dx`. */
export function rangeGradient(dy: Float32Array, x: Float32Array, { low, lowInclusive, high }: RangeAttrs, dx: Float32Array = new Float32Array(dy.length)): Float32Array {
  if (lowInclusive) {
    for (let i = 0; i < dx.length; i++) {
      const v = x[i]!;
      dx[i] = v >= low && v <= high ? dy[i]! : 0;
    }
  } else {
    for (let i = 0; i < dx.length; i++) {
      const v = x[i]!;
      dx[i] = v > low && v <= high ? dy[i]! : 0;
    }
  }
  return dx;
}

export function rangeGradientKernel(backendName: string): tfc.KernelConfig {
  return {
    kernelName: RANGE_GRADIENT_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
      return hostKernel(backend as unknown as KernelBackendLike, [...dy.shape], [dy, x], ([d, v], out) => rangeGradient(d!, v!, attrs as unknown as RangeAttrs, out));
    },
  };
}

function rangeGradientOf(tf: Tf, dy: tfc.Tensor, x: tfc.Tensor, attrs: RangeAttrs, fallback: () => tfc.Tensor): tfc.Tensor {
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !tf.getKernel(RANGE_GRADIENT_KERNEL, tf.getBackend())) return fallback();
  return tf.engine().runKernel(RANGE_GRADIENT_KERNEL, { dy, x }, attrs as unknown as tfc.NamedAttrMap) as tfc.Tensor;
}

export function activationGradConfigs(tf: Tf): tfc.GradConfig[] {
  return [
    {
      kernelName: 'Relu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as tfc.Tensor[];
        const grad = dy as tfc.Tensor;
        return { x: () => rangeGradientOf(tf, grad, x!, { low: 0, lowInclusive: false, high: Infinity }, () => tf.mul(grad, tf.step(tf.cast(x!, 'float32')))) };
      },
    },
    {
      kernelName: 'ClipByValue',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as tfc.Tensor[];
        const grad = dy as tfc.Tensor;
        const { clipValueMin, clipValueMax } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
        return {
          x: () =>
            rangeGradientOf(tf, grad, x!, { low: clipValueMin, lowInclusive: true, high: clipValueMax }, () =>
              tf.where(tf.logicalAnd(tf.greaterEqual(x!, clipValueMin), tf.lessEqual(x!, clipValueMax)), grad, tf.zerosLike(grad)),
            ),
        };
      },
    },
  ];
}
