import type * as tfc from '@tensorflow/tfjs-core';
import { hostKernelOutputs, type KernelBackendLike } from './backend-calls';

/*
 * BatchNorm in training mode as one kernel and its gradient as one more, each
 * two passes over host data (the wasm heap in place on tfjs-backend-wasm).
 * tfjs-layers' BatchNormalization builds it from tf.moments and tf.batchNorm,
 * and its gradient from the gradients of those (Mean, SquaredDifference, Sub,
 * Sum, Mul, …): about a dozen kernels forward and twice that backward per BN
 * layer, ~35% of a wasm training step of the shallow 0.5 MobileNet-32.
 *
 * Forward (channels last, the reduction over every other axis, biased variance
 * as tf.moments computes it):
 *   mean_c = Σ x / n, var_c = Σ (x − mean_c)² / n,
 *   y = (x − mean_c) · γ_c / √(var_c + ε) + β_c.
 * Backward, with x̂ = (x − mean_c) / √(var_c + ε) and N the reduced count:
 *   dβ = Σ dy, dγ = Σ dy·x̂,
 *   dx = γ/σ · (dy − dβ/N − x̂·dγ/N) + dmean/N + 2·dvar·(x − mean)/N,
 * the last two terms being the gradients that reach x through the mean and
 * variance outputs (zero when only y is used, as in BatchNormalization).
 * Sums are accumulated in float64.
 */

type TensorInfo = tfc.TensorInfo;

export const BATCH_NORM_TRAINING_KERNEL = 'MobilenetKitBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD_KERNEL = 'MobilenetKitBatchNormTrainingGrad';

export interface BatchNormTrainingAttrs {
  varianceEpsilon: number;
}

/**
 * Per-channel batch mean and (biased) variance of `x` (channels last, `channels`
 * channels) and the normalized, scaled, shifted `y`. The sums are taken around
 * the first row's values, so that one pass gives the variance without the
 * cancellation of Σx² − n·mean².
 */
export function batchNormTrainingForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, channels: number, epsilon: number, y: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const rows = x.length / channels;
  const shift = new Float64Array(channels);
  const sum = new Float64Array(channels);
  const sumSquares = new Float64Array(channels);
  for (let c = 0; c < channels; c++) shift[c] = x[c]!;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const d = x[i]! - shift[c]!;
      sum[c]! += d;
      sumSquares[c]! += d * d;
    }
  }
  const m = new Float64Array(channels);
  const k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const centered = sum[c]! / rows;
    const v = Math.max(0, sumSquares[c]! / rows - centered * centered);
    m[c] = shift[c]! + centered;
    mean[c] = m[c]!;
    variance[c] = v;
    k[c] = gamma[c]! / Math.sqrt(v + epsilon);
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) y[i] = (x[i]! - m[c]!) * k[c]! + beta[c]!;
  }
}

/** The gradients of `batchNormTrainingForward` (see the formula above); writes every element of dx, dGamma and dBeta. */
export function batchNormTrainingBackward(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  dMean: Float32Array,
  dVariance: Float32Array,
  channels: number,
  epsilon: number,
  dx: Float32Array,
  dGamma: Float32Array,
  dBeta: Float32Array,
): void {
  const rows = x.length / channels;
  const invStd = new Float64Array(channels);
  for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(variance[c]! + epsilon);
  const sumDy = new Float64Array(channels);
  const sumDyXhat = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const g = dy[i]!;
      sumDy[c]! += g;
      sumDyXhat[c]! += g * (x[i]! - mean[c]!);
    }
  }
  // dx = p·dy + q + s·(x − mean) per channel.
  const p = new Float64Array(channels);
  const q = new Float64Array(channels);
  const s = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = invStd[c]!;
    const dyXhat = sumDyXhat[c]! * inv;
    dBeta[c] = sumDy[c]!;
    dGamma[c] = dyXhat;
    p[c] = gamma[c]! * inv;
    q[c] = dMean[c]! / rows - (p[c]! * sumDy[c]!) / rows;
    s[c] = (2 * dVariance[c]!) / rows - (p[c]! * dyXhat * inv) / rows;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) dx[i] = p[c]! * dy[i]! + q[c]! + s[c]! * (x[i]! - mean[c]!);
  }
}

function channelsOf(kernel: string, x: TensorInfo, perChannel: TensorInfo[]): number {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  if (x.shape.length < 2 || channels === 0) throw new Error(`${kernel}: x must have rank ≥ 2 and a non-empty last (channel) axis, got shape [${x.shape.join(', ')}]`);
  for (const t of perChannel) {
    if (t.shape.length !== 1 || t.shape[0] !== channels) throw new Error(`${kernel}: per-channel inputs must have shape [${channels}] (x's last axis), got [${t.shape.join(', ')}]`);
  }
  for (const t of [x, ...perChannel]) if (t.dtype !== 'float32') throw new Error(`${kernel}: only float32 is supported, got ${t.dtype}`);
  return channels;
}

export function batchNormTrainingKernels(backendName: string): tfc.KernelConfig[] {
  return [
    {
      kernelName: BATCH_NORM_TRAINING_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
        const channels = channelsOf(BATCH_NORM_TRAINING_KERNEL, x, [scale, offset]);
        const { varianceEpsilon } = attrs as unknown as BatchNormTrainingAttrs;
        return hostKernelOutputs(backend as unknown as KernelBackendLike, [[...x.shape], [channels], [channels]], [x, scale, offset], ([xv, g, b], [y, m, v]) =>
          batchNormTrainingForward(xv!, g!, b!, channels, varianceEpsilon, y!, m!, v!),
        );
      },
    },
    {
      kernelName: BATCH_NORM_TRAINING_GRAD_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, x, mean, variance, scale, dMean, dVariance } = inputs as Record<'dy' | 'x' | 'mean' | 'variance' | 'scale' | 'dMean' | 'dVariance', TensorInfo>;
        const channels = channelsOf(BATCH_NORM_TRAINING_GRAD_KERNEL, x, [mean, variance, scale, dMean, dVariance]);
        const { varianceEpsilon } = attrs as unknown as BatchNormTrainingAttrs;
        return hostKernelOutputs(
          backend as unknown as KernelBackendLike,
          [[...x.shape], [channels], [channels]],
          [dy, x, mean, variance, scale, dMean, dVariance],
          ([d, xv, m, v, g, dm, dv], [dx, dg, db]) => batchNormTrainingBackward(d!, xv!, m!, v!, g!, dm!, dv!, channels, varianceEpsilon, dx!, dg!, db!),
        );
      },
    },
  ];
}

/** The gradient of the fused kernel w.r.t. x, scale (γ) and offset (β): one run of the gradient kernel. */
export function batchNormTrainingGradConfig(tf: typeof tfc): tfc.GradConfig {
  return {
    kernelName: BATCH_NORM_TRAINING_KERNEL,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      // The engine passes zeros for outputs that nothing downstream used.
      const [dy, dMean, dVariance] = dys as tfc.Tensor[];
      const [x, scale, mean, variance] = saved as tfc.Tensor[];
      const [dx, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, { dy: dy!, x: x!, mean: mean!, variance: variance!, scale: scale!, dMean: dMean!, dVariance: dVariance! }, attrs) as tfc.Tensor[];
      return { x: () => dx!, scale: () => dScale!, offset: () => dOffset! };
    },
  };
}
