import type { Kernel } from './kernel';

/**
 * Concatenation along a non-batch axis (negative counts from the end). Each
 * input contributes a contiguous block of `shape[axis] · inner` values per
 * outer index (the product of the dimensions before the axis).
 */
export const concatKernel: Kernel<'concat'> = (node, inputs) => {
  const first = inputs[0]!.shape;
  const rank = first.length;
  const axis = node.attrs.axis < 0 ? rank + node.attrs.axis : node.attrs.axis;
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= first[a]!;
  let inner = 1;
  for (let a = axis + 1; a < rank; a++) inner *= first[a]!;
  const blocks = inputs.map((t) => t.shape[axis]! * inner);
  const outBlock = blocks.reduce((a, b) => a + b, 0);
  const out = new Float32Array(outer * outBlock);
  for (let o = 0; o < outer; o++) {
    let at = o * outBlock;
    inputs.forEach((t, i) => {
      const block = blocks[i]!;
      out.set(t.data.subarray(o * block, (o + 1) * block), at);
      at += block;
    });
  }
  return { shape: first.map((d, a) => (a === axis ? outBlock / inner : d)), data: out };
};
