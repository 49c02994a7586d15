import type * as tfc from '@tensorflow/tfjs-core';
import { batchNormGradConfig } from './batch-norm-gradient';
import { convGeometry } from './conv-geometry';
import { conv2dBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput } from './conv-gradients';

/*
 * Gradient kernels for training MobileNets on tfjs in Node:
 *
 * - tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter,
 *   DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput,
 *   so a wasm model cannot be trained at all without them;
 * - tfjs-backend-cpu's Conv2DBackpropFilter is a naive loop nest that took
 *   7.8 s of an 11 s training step of a 0.25 MobileNet-32 (batch 64, measured
 *   with tf.profile); the loops in conv-gradients.ts run over the output
 *   positions with the channel loop innermost and skip zero inputs.
 *
 * Only NHWC, dilation 1, float32: what MobileNet uses. Anything else throws a
 * clear error naming the kernel and the value.
 */

type Tf = typeof tfc;
type TensorInfo = tfc.TensorInfo;
type Attrs = Record<string, unknown>;
type KernelBackendLike = {
  readSync(dataId: unknown): ArrayLike<number>;
  makeTensorInfo?: (shape: number[], dtype: string, values: Float32Array) => TensorInfo;
  makeOutput?: (shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array) => TensorInfo;
};

function read(backend: KernelBackendLike, t: TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

function output(backend: KernelBackendLike, shape: number[], values: Float32Array): TensorInfo {
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', values);
  if (backend.makeOutput) return backend.makeOutput(shape, 'float32', undefined, values);
  throw new Error('the tfjs backend offers neither makeTensorInfo nor makeOutput');
}

function kernelConfigs(tf: Tf, backendName: string): tfc.KernelConfig[] {
  return [
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
        const a = attrs as Attrs;
        const filterShape = a.filterShape as number[];
        const g = convGeometry(tf, 'Conv2DBackpropFilter', x.shape, filterShape, a.strides as [number, number], 1, a.pad, a.dimRoundingMode, false, a.dataFormat as string);
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
        const g = convGeometry(tf, 'DepthwiseConv2dNativeBackpropFilter', x.shape, filterShape, a.strides as [number, number], a.dilations, a.pad, a.dimRoundingMode, true);
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
        const g = convGeometry(tf, 'DepthwiseConv2dNativeBackpropInput', inputShape, filter.shape, a.strides as [number, number], a.dilations, a.pad, a.dimRoundingMode, true);
        const b = backend as unknown as KernelBackendLike;
        return output(b, inputShape, depthwiseBackpropInput(read(b, dy), read(b, filter), g, filter.shape[3]!));
      },
    },
  ];
}

const installed = new WeakMap<object, Set<string>>();
const gradientsInstalled = new WeakSet<object>();

/**
 * Registers the three convolution gradient kernels for a tfjs backend
 * (replacing tfjs's own where it has one; default: the active backend), and
 * the broadcasting BN gradient for the tfjs copy. Idempotent per tfjs copy
 * and backend name. Returns the kernel names it registered (none when they
 * already were).
 */
export function registerTrainingKernels(tf: Tf, backendName: string = tf.getBackend()): string[] {
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
