import type { Kernel } from './kernel';

/** Mean over height and width of `[N, H, W, C]`; keepDims gives `[N, 1, 1, C]` instead of `[N, C]`. */
export const globalAvgPoolKernel: Kernel<'globalAvgPool'> = (node, [x]) => {
  const [batch, height, width, channels] = x!.shape as [number, number, number, number];
  const pixels = height * width;
  const xd = x!.data;
  const out = new Float32Array(batch * channels);
  const sum = new Float64Array(channels);
  for (let b = 0; b < batch; b++) {
    sum.fill(0);
    for (let p = 0; p < pixels; p++) {
      const off = (b * pixels + p) * channels;
      for (let c = 0; c < channels; c++) sum[c]! += xd[off + c]!;
    }
    for (let c = 0; c < channels; c++) out[b * channels + c] = sum[c]! / pixels;
  }
  return { shape: node.attrs.keepDims ? [batch, 1, 1, channels] : [batch, channels], data: out };
};
