import type { Kernel } from './kernel';

/** Inference batch norm over the last axis: `γ·(x − μ)/√(σ² + ε) + β`. */
export const batchNormKernel: Kernel<'batchNorm'> = (node, [x], param) => {
  const gamma = param('gamma').data;
  const beta = param('beta').data;
  const mean = param('moving_mean').data;
  const variance = param('moving_variance').data;
  const channels = gamma.length;
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) scale[c] = gamma[c]! / Math.sqrt(variance[c]! + node.attrs.epsilon);
  const xd = x!.data;
  const out = new Float32Array(xd.length);
  for (let i = 0; i < xd.length; i += channels) {
    for (let c = 0; c < channels; c++) out[i + c] = (xd[i + c]! - mean[c]!) * scale[c]! + beta[c]!;
  }
  return { shape: x!.shape, data: out };
};
