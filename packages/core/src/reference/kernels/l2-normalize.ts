import type { Kernel } from './kernel';

/** `x / √(max(Σ x², ε))` along one non-batch axis (negative counts from the end). */
export const l2NormalizeKernel: Kernel<'l2Normalize'> = (node, [x]) => {
  const shape = x!.shape;
  const axis = node.attrs.axis < 0 ? shape.length + node.attrs.axis : node.attrs.axis;
  const len = shape[axis]!;
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a]!;
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  const xd = x!.data;
  const out = new Float32Array(xd.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let sum = 0;
      for (let k = 0; k < len; k++) sum += xd[base + k * inner]! ** 2;
      const inv = 1 / Math.sqrt(Math.max(sum, node.attrs.epsilon));
      for (let k = 0; k < len; k++) out[base + k * inner] = xd[base + k * inner]! * inv;
    }
  }
  return { shape, data: out };
};
