import type { Kernel } from './kernel';

/** `[N, ...] → [N, product]`: row-major data is unchanged. */
export const flattenKernel: Kernel<'flatten'> = (_node, [x]) => {
  const batch = x!.shape[0]!;
  return { shape: [batch, batch === 0 ? 0 : x!.data.length / batch], data: x!.data };
};
