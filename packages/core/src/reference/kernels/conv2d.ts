import { elementwiseActivation } from './activation-fn';
import type { Kernel } from './kernel';
import { windowAxis } from './window';

/**
 * Standard convolution, NHWC input, kernel `[kh, kw, in, out]`, optional
 * fused bias and activation. For every output pixel the products are summed
 * in a float64 row over the output channels, so the innermost loop walks
 * the kernel contiguously.
 */
export const conv2dKernel: Kernel<'conv2d'> = (node, [x], param) => {
  const [batch, height, width, inC] = x!.shape as [number, number, number, number];
  const { kernelSize, strides, padding, filters: outC, useBias, activation } = node.attrs;
  const [kh, kw] = kernelSize;
  const [sh, sw] = strides;
  const rows = windowAxis(height, kh, sh, padding);
  const cols = windowAxis(width, kw, sw, padding);
  const k = param('kernel').data;
  const bias = useBias ? param('bias').data : undefined;
  const act = elementwiseActivation(activation);
  const xd = x!.data;
  const out = new Float32Array(batch * rows.out * cols.out * outC);
  const acc = new Float64Array(outC);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xBatch = b * height * width * inC;
    for (let oy = 0; oy < rows.out; oy++) {
      const iy0 = oy * sh - rows.padBefore;
      const kyStart = Math.max(0, -iy0);
      const kyEnd = Math.min(kh, height - iy0);
      for (let ox = 0; ox < cols.out; ox++) {
        const ix0 = ox * sw - cols.padBefore;
        const kxStart = Math.max(0, -ix0);
        const kxEnd = Math.min(kw, width - ix0);
        if (bias) for (let c = 0; c < outC; c++) acc[c] = bias[c]!;
        else acc.fill(0);
        for (let ky = kyStart; ky < kyEnd; ky++) {
          const xRow = xBatch + (iy0 + ky) * width * inC;
          for (let kx = kxStart; kx < kxEnd; kx++) {
            const xBase = xRow + (ix0 + kx) * inC;
            const kBase = (ky * kw + kx) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const v = xd[xBase + ci]!;
              if (v === 0) continue; // common after relu; skipping changes no sum
              const kOff = kBase + ci * outC;
              for (let co = 0; co < outC; co++) acc[co]! += v * k[kOff + co]!;
            }
          }
        }
        for (let co = 0; co < outC; co++) out[o++] = act(acc[co]!);
      }
    }
  }
  return { shape: [batch, rows.out, cols.out, outC], data: out };
};
