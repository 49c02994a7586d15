import { availableParallelism } from 'node:os';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import type { Graph, HostTensor, Weights } from '@mobilenet-kit/core';
import { createPrng, randomTensor, withRandomBatchNorm } from '@mobilenet-kit/core/conformance';

/** A seeded MobileNet v1 with random BN statistics, whose outputs are the softmax and the logits before it. */
export function mobileNetWithLogits(alpha: number, resolution: number, classes = 10, seed = 3): { graph: Graph; weights: Weights } {
  const base = mobilenetV1({ alpha, resolution, classes });
  const graph: Graph = { ...base, outputs: [...base.outputs, { name: 'logits', node: 'logits' }] };
  return { graph, weights: withRandomBatchNorm(initializeWeights(graph, { seed }), createPrng(seed + 1)) };
}

/** A random NHWC image batch with values in [-1, 1). */
export const randomImage = (batch: number, resolution: number, seed = 11): HostTensor => randomTensor([batch, resolution, resolution, 3], createPrng(seed));

/** The threads that threads: 'auto' gives in this Node process: MOBILENET_KIT_WASM_THREADS, else every core up to tfjs's 8. */
export function autoThreads(): number {
  const fromEnv = process.env.MOBILENET_KIT_WASM_THREADS;
  return fromEnv ? Number(fromEnv) : Math.min(8, availableParallelism());
}
