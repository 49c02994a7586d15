import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { compile } from '@mobilenet-kit/core';
import type { MeasureReply, MeasureRequest } from './worker-protocol';

/** Seed of the random weights the latency is measured with (any would do). */
const LATENCY_SEED = 1;

/**
 * The explorer's timing run, inside the inference worker: MobileNet v1 at
 * (α, resolution) with random (Glorot-uniform) weights compiled on the
 * backend, a first run timed, then `runs` more. The outputs mean nothing.
 */
export async function measureLatency({ alpha, resolution, backend, runs }: MeasureRequest): Promise<MeasureReply> {
  const graph = mobilenetV1({ alpha, resolution });
  const model = await compile(graph, initializeWeights(graph, { seed: LATENCY_SEED }), { backend });
  try {
    const data = new Float32Array(resolution * resolution * 3);
    // Any input in [-1, 1] will do; a fixed pattern keeps runs comparable.
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i) * 0.9;
    const input = { input: { shape: [1, resolution, resolution, 3], data } };
    const time = async () => {
      const t0 = performance.now();
      await model.run(input);
      return performance.now() - t0;
    };
    const firstMs = await time();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await time());
    return { backend: { ...model.backend }, firstMs, times };
  } finally {
    model.dispose();
  }
}
