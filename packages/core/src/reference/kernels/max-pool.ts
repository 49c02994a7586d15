import type { Kernel } from './kernel';
import { windowAxis } from './window';

/** Max pooling; 'same' padding pixels never win (only covered input pixels are compared). */
export const maxPoolKernel: Kernel<'maxPool'> = (node, [x]) => {
  const [batch, height, width, channels] = x!.shape as [number, number, number, number];
  const { poolSize, strides, padding } = node.attrs;
  const [ph, pw] = poolSize;
  const [sh, sw] = strides;
  const rows = windowAxis(height, ph, sh, padding);
  const cols = windowAxis(width, pw, sw, padding);
  const xd = x!.data;
  const out = new Float32Array(batch * rows.out * cols.out * channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < rows.out; oy++) {
      const y0 = Math.max(0, oy * sh - rows.padBefore);
      const y1 = Math.min(height, oy * sh - rows.padBefore + ph);
      for (let ox = 0; ox < cols.out; ox++) {
        const x0 = Math.max(0, ox * sw - cols.padBefore);
        const x1 = Math.min(width, ox * sw - cols.padBefore + pw);
        out.fill(Number.NEGATIVE_INFINITY, o, o + channels);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const off = ((b * height + iy) * width + ix) * channels;
            for (let c = 0; c < channels; c++) if (xd[off + c]! > out[o + c]!) out[o + c] = xd[off + c]!;
          }
        }
        o += channels;
      }
    }
  }
  return { shape: [batch, rows.out, cols.out, channels], data: out };
};
