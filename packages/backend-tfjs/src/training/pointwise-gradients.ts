import type * as tfc from '@tensorflow/tfjs-core';
import { type KernelBackendLike, matMul, transpose2d, viewAs } from './backend-calls';
import type { ConvGeometry } from './conv-geometry';

/*
 * A 1×1, stride-1 convolution (MobileNet's pointwise layers, 95% of its
 * mult-adds) is a matrix product over all positions, x[R, Ci] · W[Ci, Co]
 * with R = batch·height·width, so both of its gradients are matrix products
 * too, run by the backend's BatchMatMul (XNNPACK on wasm):
 *
 *     dW = xᵀ · dy      [Ci, R] · [R, Co]
 *     dx = dy · Wᵀ      [R, Co] · [Co, Ci]
 *
 * The transposed operand is transposed explicitly first (see matMul).
 * tfjs-backend-wasm caches its XNNPACK operator by the id of the product's
 * right operand and assumes that id's shape never changes; dy is always
 * viewed as [R, Co] here, and Wᵀ is a fresh tensor.
 */

type Tf = typeof tfc;
type TensorInfo = tfc.TensorInfo;

export function isPointwise(g: ConvGeometry): boolean {
  return g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 && g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth;
}

export function pointwiseFilterGradient(tf: Tf, backendName: string, backend: KernelBackendLike, x: TensorInfo, dy: TensorInfo, g: ConvGeometry, filterShape: number[]): TensorInfo {
  const rows = g.batch * g.outHeight * g.outWidth;
  const xT = transpose2d(tf, backendName, backend, x, rows, g.inChannels);
  try {
    return viewAs(matMul(tf, backendName, backend, xT, dy, g.inChannels, rows, g.outChannels), filterShape);
  } finally {
    backend.disposeData(xT.dataId);
  }
}

export function pointwiseInputGradient(tf: Tf, backendName: string, backend: KernelBackendLike, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, inputShape: number[]): TensorInfo {
  const rows = g.batch * g.outHeight * g.outWidth;
  const wT = transpose2d(tf, backendName, backend, filter, g.inChannels, g.outChannels);
  try {
    return viewAs(matMul(tf, backendName, backend, dy, wT, rows, g.outChannels, g.inChannels), inputShape);
  } finally {
    backend.disposeData(wT.dataId);
  }
}
