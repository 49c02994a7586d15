import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import type { Graph, HostTensor, Weights, WeightTensor } from '@mobilenet-kit/core';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Replaces the BN statistics of seeded weights (which start at γ = 1, β = 0,
 * μ = 0, σ² = 1) by random ones, so that folding BN really changes the
 * kernels: γ in [0.5, 1.5), β and μ in [-0.5, 0.5), σ² in [0.1, 1.1).
 */
export function withRandomBatchNorm(weights: Weights, seed: number): Weights {
  const rnd = random(seed);
  const out = new Map<string, WeightTensor>();
  for (const [name, w] of weights) {
    const p = name.slice(name.lastIndexOf('/') + 1);
    if (!['gamma', 'beta', 'moving_mean', 'moving_variance'].includes(p)) {
      out.set(name, w);
      continue;
    }
    const data = new Float32Array(w.data.length);
    for (let i = 0; i < data.length; i++) {
      const r = rnd();
      data[i] = p === 'gamma' ? 0.5 + r : p === 'moving_variance' ? 0.1 + r : r - 0.5;
    }
    out.set(name, { shape: w.shape, data });
  }
  return out;
}

/** A seeded MobileNet v1 with random BN statistics, whose outputs are the softmax and the logits before it. */
export function mobileNetWithLogits(alpha: number, resolution: number, classes = 10, seed = 3): { graph: Graph; weights: Weights } {
  const base = mobilenetV1({ alpha, resolution, classes });
  const graph: Graph = { ...base, outputs: [...base.outputs, { name: 'logits', node: 'logits' }] };
  return { graph, weights: withRandomBatchNorm(initializeWeights(graph, { seed }), seed + 1) };
}

export function randomImage(batch: number, resolution: number, seed = 11): HostTensor {
  const rnd = random(seed);
  const shape = [batch, resolution, resolution, 3];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rnd() * 2 - 1;
  return { shape, data };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
