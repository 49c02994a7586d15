import { elementwiseActivation } from './activation-fn';
import type { Kernel } from './kernel';
import { windowAxis } from './window';

/**
 * Depthwise convolution: kernel `[kh, kw, in, m]`; input channel `c` filtered
 * by its `j`-th filter lands in output channel `c·m + j`, which is also the
 * kernel's own memory order, so one loop over `c·m + j` walks both.
 */
export const depthwiseConv2dKernel: Kernel<'depthwiseConv2d'> = (node, [x], param) => {
  const [batch, height, width, inC] = x!.shape as [number, number, number, number];
  const { kernelSize, strides, padding, depthMultiplier: m, useBias, activation } = node.attrs;
  const [kh, kw] = kernelSize;
  const [sh, sw] = strides;
  const rows = windowAxis(height, kh, sh, padding);
  const cols = windowAxis(width, kw, sw, padding);
  const outC = inC * m;
  const k = param('depthwise_kernel').data;
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
            const kBase = (ky * kw + kx) * outC;
            if (m === 1) {
              for (let c = 0; c < inC; c++) acc[c]! += xd[xBase + c]! * k[kBase + c]!;
            } else {
              for (let c = 0; c < inC; c++) {
                const v = xd[xBase + c]!;
                const off = c * m;
                for (let j = 0; j < m; j++) acc[off + j]! += v * k[kBase + off + j]!;
              }
            }
          }
        }
        for (let c = 0; c < outC; c++) out[o++] = act(acc[c]!);
      }
    }
  }
  return { shape: [batch, rows.out, cols.out, outC], data: out };
};
