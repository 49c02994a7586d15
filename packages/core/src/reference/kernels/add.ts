import type { Kernel } from './kernel';

/** Elementwise sum of two or more inputs of one shape, summed in float64. */
export const addKernel: Kernel<'add'> = (_node, inputs) => {
  const n = inputs[0]!.data.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const t of inputs) s += t.data[i]!;
    out[i] = s;
  }
  return { shape: inputs[0]!.shape, data: out };
};
