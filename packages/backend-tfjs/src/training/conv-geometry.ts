import type * as tfc from '@tensorflow/tfjs-core';

/** What the gradient loops need to know about one NHWC, dilation-1 convolution. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * The geometry of a convolution kernel call, as tfjs computes it
 * (`backend_util.computeConv2DInfo`, TF 'same' padding). Rejects what the
 * loops do not handle (NCHW, dilation ≠ 1), naming the kernel and the value.
 */
export function convGeometry(
  tf: typeof tfc,
  kernel: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  dilations: unknown,
  pad: unknown,
  rounding: unknown,
  depthwise: boolean,
  dataFormat?: string,
): ConvGeometry {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') throw new Error(`${kernel}: only NHWC is supported, got dataFormat ${dataFormat}`);
  const d = dilations ?? 1;
  if (!(d === 1 || (Array.isArray(d) && d.every((v) => v === 1)))) throw new Error(`${kernel}: only dilation 1 is supported, got ${JSON.stringify(d)}`);
  const info = tf.backend_util.computeConv2DInfo(
    [...xShape] as [number, number, number, number],
    [...filterShape] as [number, number, number, number],
    strides,
    1,
    pad as 'same',
    rounding as 'floor' | undefined,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Every (output pixel, filter tap) pair of one image whose input pixel lies
 * inside the image, in the order output row, output column, filter row,
 * filter column: `inPixel[t]` = ih·W + iw, `outPixel[t]` = oh·OW + ow,
 * `tap[t]` = kh·KW + kw. The same for every image of a batch, so each
 * gradient loop is "for each image, for each tap, a channel loop".
 */
export interface ConvTaps {
  readonly count: number;
  readonly inPixel: Int32Array;
  readonly outPixel: Int32Array;
  readonly tap: Int32Array;
}

const tapCache = new Map<string, ConvTaps>();
/** A MobileNet has about a dozen distinct geometries; more than this (many input sizes) starts the cache over. */
const TAP_CACHE_LIMIT = 64;

export function convTaps(g: ConvGeometry): ConvTaps {
  const key = [g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.strideHeight, g.strideWidth, g.filterHeight, g.filterWidth, g.padTop, g.padLeft].join(',');
  const hit = tapCache.get(key);
  if (hit) return hit;
  const most = g.outHeight * g.outWidth * g.filterHeight * g.filterWidth;
  const inPixel = new Int32Array(most);
  const outPixel = new Int32Array(most);
  const tap = new Int32Array(most);
  let count = 0;
  for (let oh = 0; oh < g.outHeight; oh++) {
    for (let ow = 0; ow < g.outWidth; ow++) {
      for (let kh = 0; kh < g.filterHeight; kh++) {
        const ih = oh * g.strideHeight + kh - g.padTop;
        if (ih < 0 || ih >= g.inHeight) continue;
        for (let kw = 0; kw < g.filterWidth; kw++) {
          const iw = ow * g.strideWidth + kw - g.padLeft;
          if (iw < 0 || iw >= g.inWidth) continue;
          inPixel[count] = ih * g.inWidth + iw;
          outPixel[count] = oh * g.outWidth + ow;
          tap[count] = kh * g.filterWidth + kw;
          count++;
        }
      }
    }
  }
  const taps = { count, inPixel: inPixel.slice(0, count), outPixel: outPixel.slice(0, count), tap: tap.slice(0, count) };
  if (tapCache.size >= TAP_CACHE_LIMIT) tapCache.clear();
  tapCache.set(key, taps);
  return taps;
}
