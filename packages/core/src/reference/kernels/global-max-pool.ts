import type { Kernel } from './kernel';

/** Max over height and width of `[N, H, W, C]`; keepDims gives `[N, 1, 1, C]` instead of `[N, C]`. */
export const globalMaxPoolKernel: Kernel<'globalMaxPool'> = (node, [x]) => {
  const [batch, height, width, channels] = x!.shape as [number, number, number, number];
  const pixels = height * width;
  const xd = x!.data;
  const out = new Float32Array(batch * channels).fill(Number.NEGATIVE_INFINITY);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < pixels; p++) {
      const off = (b * pixels + p) * channels;
      for (let c = 0; c < channels; c++) {
        const v = xd[off + c]!;
        if (v > out[b * channels + c]!) out[b * channels + c] = v;
      }
    }
  }
  return { shape: node.attrs.keepDims ? [batch, 1, 1, channels] : [batch, channels], data: out };
};
