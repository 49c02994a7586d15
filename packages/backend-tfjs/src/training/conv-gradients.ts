import { type ConvGeometry, convTaps } from './conv-geometry';

/*
 * The three convolution gradients that training a MobileNet needs, as loops
 * over host data. Each walks the same (image, tap) pairs from convTaps and
 * differs only in its channel loop; sums run in the same order as a plain
 * n, oh, ow, kh, kw loop nest. The result goes to `out` when given (zeroed,
 * e.g. the output's memory in the wasm heap), else to a new array.
 */

/** dW[kh, kw, ci, co] = Σ x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, co]. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry, dW: Float32Array = new Float32Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels)): Float32Array {
  const { inChannels: Ci, outChannels: Co } = g;
  const { count, inPixel, outPixel, tap } = convTaps(g);
  const inPixels = g.inHeight * g.inWidth;
  const outPixels = g.outHeight * g.outWidth;
  for (let n = 0; n < g.batch; n++) {
    for (let t = 0; t < count; t++) {
      const xOff = (n * inPixels + inPixel[t]!) * Ci;
      const dyOff = (n * outPixels + outPixel[t]!) * Co;
      const wOff = tap[t]! * Ci * Co;
      for (let ci = 0; ci < Ci; ci++) {
        const xv = x[xOff + ci]!;
        // Most inputs are zero after ReLU.
        if (xv === 0) continue;
        const base = wOff + ci * Co;
        for (let co = 0; co < Co; co++) dW[base + co]! += xv * dy[dyOff + co]!;
      }
    }
  }
  return dW;
}

/** dW[kh, kw, c, m] = Σ x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry, multiplier: number, dW: Float32Array = new Float32Array(g.filterHeight * g.filterWidth * g.inChannels * multiplier)): Float32Array {
  const C = g.inChannels;
  const Co = C * multiplier;
  const { count, inPixel, outPixel, tap } = convTaps(g);
  const inPixels = g.inHeight * g.inWidth;
  const outPixels = g.outHeight * g.outWidth;
  for (let n = 0; n < g.batch; n++) {
    for (let t = 0; t < count; t++) {
      const xOff = (n * inPixels + inPixel[t]!) * C;
      const dyOff = (n * outPixels + outPixel[t]!) * Co;
      const wOff = tap[t]! * Co;
      if (multiplier === 1) {
        for (let c = 0; c < C; c++) dW[wOff + c]! += x[xOff + c]! * dy[dyOff + c]!;
      } else {
        for (let c = 0; c < C; c++) {
          const xv = x[xOff + c]!;
          for (let m = 0; m < multiplier; m++) dW[wOff + c * multiplier + m]! += xv * dy[dyOff + c * multiplier + m]!;
        }
      }
    }
  }
  return dW;
}

/** dx[n, ih, iw, c] = Σ w[kh, kw, c, m] · dy[n, oh, ow, c·M + m] over the outputs that read (ih, iw). */
export function depthwiseBackpropInput(dy: Float32Array, w: Float32Array, g: ConvGeometry, multiplier: number, dx: Float32Array = new Float32Array(g.batch * g.inHeight * g.inWidth * g.inChannels)): Float32Array {
  const C = g.inChannels;
  const Co = C * multiplier;
  const { count, inPixel, outPixel, tap } = convTaps(g);
  const inPixels = g.inHeight * g.inWidth;
  const outPixels = g.outHeight * g.outWidth;
  for (let n = 0; n < g.batch; n++) {
    for (let t = 0; t < count; t++) {
      const xOff = (n * inPixels + inPixel[t]!) * C;
      const dyOff = (n * outPixels + outPixel[t]!) * Co;
      const wOff = tap[t]! * Co;
      if (multiplier === 1) {
        for (let c = 0; c < C; c++) dx[xOff + c]! += w[wOff + c]! * dy[dyOff + c]!;
      } else {
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let m = 0; m < multiplier; m++) s += w[wOff + c * multiplier + m]! * dy[dyOff + c * multiplier + m]!;
          dx[xOff + c]! += s;
        }
      }
    }
  }
  return dx;
}
