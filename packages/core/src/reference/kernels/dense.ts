import { elementwiseActivation } from './activation-fn';
import type { Kernel } from './kernel';

/** Fully connected on the last axis: kernel `[in, units]`, optional fused bias and activation. */
export const denseKernel: Kernel<'dense'> = (node, [x], param) => {
  const { units, useBias, activation } = node.attrs;
  const inUnits = x!.shape[x!.shape.length - 1]!;
  const k = param('kernel').data;
  const bias = useBias ? param('bias').data : undefined;
  const act = elementwiseActivation(activation);
  const xd = x!.data;
  const rows = xd.length / inUnits;
  const out = new Float32Array(rows * units);
  const acc = new Float64Array(units);
  for (let r = 0; r < rows; r++) {
    if (bias) for (let u = 0; u < units; u++) acc[u] = bias[u]!;
    else acc.fill(0);
    for (let i = 0; i < inUnits; i++) {
      const v = xd[r * inUnits + i]!;
      if (v === 0) continue;
      const kOff = i * units;
      for (let u = 0; u < units; u++) acc[u]! += v * k[kOff + u]!;
    }
    for (let u = 0; u < units; u++) out[r * units + u] = act(acc[u]!);
  }
  return { shape: [...x!.shape.slice(0, -1), units], data: out };
};
