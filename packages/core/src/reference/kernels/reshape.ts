import type { Kernel } from './kernel';

/** New non-batch dimensions (one `-1` inferred); row-major data is unchanged. */
export const reshapeKernel: Kernel<'reshape'> = (node, [x]) => {
  const batch = x!.shape[0]!;
  const perExample = batch === 0 ? 0 : x!.data.length / batch;
  const known = node.attrs.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return { shape: [batch, ...node.attrs.shape.map((d) => (d === -1 ? perExample / known : d))], data: x!.data };
};
