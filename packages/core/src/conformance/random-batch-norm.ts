import type { Weights, WeightTensor } from '../types';
import { OP_PARAMS } from '../ops/op-params';
import type { Prng } from './prng';

/**
 * Maps a uniform draw `r` in [0, 1) onto the range used for a parameter named
 * `param` (the last segment of a weight name): BN γ in [0.5, 1.5), the moving
 * variance in [0.1, 1.1) (it must stay positive), everything else in [-0.5, 0.5).
 */
export function uniformParamValue(param: string, r: number): number {
  if (param === 'gamma') return 0.5 + r;
  if (param === 'moving_variance') return 0.1 + r;
  return r - 0.5;
}

const BATCH_NORM_PARAMS: ReadonlySet<string> = new Set(OP_PARAMS.batchNorm);

/**
 * Replaces the BN statistics of freshly initialized weights (γ = 1, β = 0,
 * μ = 0, σ² = 1) by random ones drawn with `uniformParamValue`, so that
 * folding BN really changes the kernels. Other weights are kept as they are.
 */
export function withRandomBatchNorm(weights: Weights, prng: Prng): Weights {
  const out = new Map<string, WeightTensor>();
  for (const [name, w] of weights) {
    const param = name.slice(name.lastIndexOf('/') + 1);
    if (!BATCH_NORM_PARAMS.has(param)) {
      out.set(name, w);
      continue;
    }
    const data = new Float32Array(w.data.length);
    for (let i = 0; i < data.length; i++) data[i] = uniformParamValue(param, prng.next());
    out.set(name, { shape: w.shape, data });
  }
  return out;
}
