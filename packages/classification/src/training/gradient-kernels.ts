import type * as tfc from '@tensorflow/tfjs-core';

/**
 * Gradient kernels for training MobileNets on tfjs in Node, written as plain
 * loops over host data:
 *
 * - tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter,
 *   DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput,
 *   so a wasm model cannot be trained at all without them;
 * - tfjs-backend-cpu's Conv2DBackpropFilter is a naive loop nest that took
 *   7.8 s of an 11 s training step of a 0.25 MobileNet-32 (batch 64, measured
 *   with tf.profile); the loops below run over the output positions with the
 *   channel loop innermost and skip zero inputs (most are zero after ReLU).
 *
 * Only NHWC, dilation 1, float32: what MobileNet uses. Anything else keeps
 * tfjs's own kernel (where one exists) by throwing a clear error here.
 */

type Tf = typeof tfc;
type TensorInfo = tfc.TensorInfo;
type KernelBackendLike = {
  readSync(dataId: unknown): ArrayLike<number>;
  makeTensorInfo?: (shape: number[], dtype: string, values: Float32Array) => TensorInfo;
  makeOutput?: (shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array) => TensorInfo;
};

interface ConvGeometry {
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

function geometry(tf: Tf, kernel: string, xShape: number[], filterShape: number[], strides: number | [number, number], dilations: unknown, pad: unknown, rounding: unknown, depthwise: boolean, dataFormat?: string): ConvGeometry {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') throw new Error(`${kernel}: only NHWC is supported, got dataFormat ${dataFormat}`);
  const d = dilations ?? 1;
  if (!(d === 1 || (Array.isArray(d) && d.every((v) => v === 1)))) throw new Error(`${kernel}: only dilation 1 is supported, got ${JSON.stringify(d)}`);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
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

function read(backend: KernelBackendLike, t: TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

function output(backend: KernelBackendLike, shape: number[], values: Float32Array): TensorInfo {
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', values);
  if (backend.makeOutput) return backend.makeOutput(shape, 'float32', undefined, values);
  throw new Error('the tfjs backend offers neither makeTensorInfo nor makeOutput');
}

/** dW[kh, kw, ci, co] = Σ x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, co]. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: Ci, outChannels: Co, filterHeight: KH, filterWidth: KW } = g;
  const dW = new Float32Array(KH * KW * Ci * Co);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const dyOff = ((n * g.outHeight + oh) * g.outWidth + ow) * Co;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight + kh - g.padTop;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * g.strideWidth + kw - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((n * H + ih) * W + iw) * Ci;
            const wOff = (kh * KW + kw) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xOff + ci]!;
              if (xv === 0) continue;
              const base = wOff + ci * Co;
              for (let co = 0; co < Co; co++) dW[base + co]! += xv * dy[dyOff + co]!;
            }
          }
        }
      }
    }
  }
  return dW;
}

/** dW[kh, kw, c, m] = Σ x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry, multiplier: number): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: KH, filterWidth: KW } = g;
  const Co = C * multiplier;
  const dW = new Float32Array(KH * KW * C * multiplier);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const dyOff = ((n * g.outHeight + oh) * g.outWidth + ow) * Co;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight + kh - g.padTop;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * g.strideWidth + kw - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((n * H + ih) * W + iw) * C;
            const wOff = (kh * KW + kw) * Co;
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
      }
    }
  }
  return dW;
}

/** dx[n, ih, iw, c] = Σ w[kh, kw, c, m] · dy[n, oh, ow, c·M + m] over the outputs that read (ih, iw). */
export function depthwiseBackpropInput(dy: Float32Array, w: Float32Array, g: ConvGeometry, multiplier: number): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: KH, filterWidth: KW } = g;
  const Co = C * multiplier;
  const dx = new Float32Array(g.batch * H * W * C);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const dyOff = ((n * g.outHeight + oh) * g.outWidth + ow) * Co;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight + kh - g.padTop;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * g.strideWidth + kw - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((n * H + ih) * W + iw) * C;
            const wOff = (kh * KW + kw) * Co;
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
      }
    }
  }
  return dx;
}

type Attrs = Record<string, unknown>;

function kernelConfigs(tf: Tf, backendName: string): tfc.KernelConfig[] {
  return [
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
        const a = attrs as Attrs;
        const filterShape = a.filterShape as number[];
        const g = geometry(tf, 'Conv2DBackpropFilter', x.shape, filterShape, a.strides as [number, number], 1, a.pad, a.dimRoundingMode, false, a.dataFormat as string);
        const b = backend as unknown as KernelBackendLike;
        // A 1×1 stride-1 convolution's filter gradient is one matrix product, xᵀ·dy over all positions:
        // the backend's own BatchMatMul (XNNPACK on wasm) does it faster than any loop here.
        const matMul = g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 ? tf.getKernel('BatchMatMul', backendName) : undefined;
        if (matMul) {
          const rows = g.batch * g.outHeight * g.outWidth;
          const product = matMul.kernelFunc({
            inputs: { a: { ...x, shape: [1, rows, g.inChannels] }, b: { ...dy, shape: [1, rows, g.outChannels] } },
            backend,
            attrs: { transposeA: true, transposeB: false },
          }) as TensorInfo;
          return { ...product, shape: filterShape };
        }
        return output(b, filterShape, conv2dBackpropFilter(read(b, x), read(b, dy), g));
      },
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
        const a = attrs as Attrs;
        const filterShape = a.filterShape as number[];
        const g = geometry(tf, 'DepthwiseConv2dNativeBackpropFilter', x.shape, filterShape, a.strides as [number, number], a.dilations, a.pad, a.dimRoundingMode, true);
        const b = backend as unknown as KernelBackendLike;
        return output(b, filterShape, depthwiseBackpropFilter(read(b, x), read(b, dy), g, filterShape[3]!));
      },
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
        const a = attrs as Attrs;
        const inputShape = a.inputShape as number[];
        const g = geometry(tf, 'DepthwiseConv2dNativeBackpropInput', inputShape, filter.shape, a.strides as [number, number], a.dilations, a.pad, a.dimRoundingMode, true);
        const b = backend as unknown as KernelBackendLike;
        return output(b, inputShape, depthwiseBackpropInput(read(b, dy), read(b, filter), g, filter.shape[3]!));
      },
    },
  ];
}

/**
 * The gradient of FusedBatchNorm (BN in training mode) with the same
 * arithmetic as tfjs-core's, but broadcasting the per-channel factor instead
 * of first tiling it to the activation's full shape (tfjs's `tile` took 17%
 * of a wasm training step). Same formula; equal within float rounding (tested).
 */
function batchNormGradConfig(tf: Tf): tfc.GradConfig {
  return {
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const grad = dy as tfc.Tensor;
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as tfc.Tensor[];
      const scaleValue = scale ?? tf.scalar(1);
      const reductionAxes = tf.backend_util.getReductionAxes(mean!.shape, x!.shape);
      const perChannel = mean!.rank === 1;
      const reduce = (t: tfc.Tensor) => (perChannel ? tf.sum(t, reductionAxes) : t);
      const xMinusMean = tf.sub(x!, mean!);
      const dyTimesScale = tf.mul(grad, scaleValue);
      const oneOverSqrtVariance = tf.rsqrt(tf.add(variance!, tf.scalar(varianceEpsilon)));
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance), tf.scalar(-0.5));
      return {
        x: () => tf.reshape(tf.mul(tf.mul(grad, oneOverSqrtVariance), scaleValue), x!.shape),
        mean: () => tf.reshape(reduce(tf.mul(tf.mul(oneOverSqrtVariance, tf.scalar(-1)), dyTimesScale)), mean!.shape),
        variance: () => tf.reshape(reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)), mean!.shape),
        scale: () => tf.reshape(reduce(tf.mul(grad, tf.mul(xMinusMean, oneOverSqrtVariance))), mean!.shape),
        offset: () => tf.reshape(reduce(grad), mean!.shape),
      };
    },
  };
}

const installed = new WeakMap<object, Set<string>>();
const gradientsInstalled = new WeakSet<object>();

/**
 * Registers the three convolution gradient kernels above for a tfjs backend
 * (replacing tfjs's own where it has one), and the broadcasting BN gradient
 * for the tfjs copy. Idempotent per tfjs copy and backend name. Returns the
 * kernel names it registered.
 */
export function registerTrainingKernels(tf: Tf, backendName: string): string[] {
  let done = installed.get(tf);
  if (!done) {
    done = new Set();
    installed.set(tf, done);
  }
  if (done.has(backendName)) return [];
  const names: string[] = [];
  for (const config of kernelConfigs(tf, backendName)) {
    if (tf.getKernel(config.kernelName, backendName)) tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
    names.push(config.kernelName);
  }
  done.add(backendName);
  if (!gradientsInstalled.has(tf)) {
    tf.registerGradient(batchNormGradConfig(tf));
    gradientsInstalled.add(tf);
  }
  return names;
}
