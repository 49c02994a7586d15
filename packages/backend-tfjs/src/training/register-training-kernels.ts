import type * as tfc from '@tensorflow/tfjs-core';
import { hostKernel, type KernelBackendLike } from './backend-calls';
import { activationGradConfigs, rangeGradientKernel } from './activation-gradients';
import { batchNormGradConfig } from './batch-norm-gradient';
import { convGeometry } from './conv-geometry';
import { batchNormTrainingGradConfig, batchNormTrainingKernels } from './fused-batch-norm';
import { conv2dBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput } from './conv-gradients';
import { isPointwise, pointwiseFilterGradient, pointwiseInputGradient } from './pointwise-gradients';

/*
 * Kernels for training MobileNets on tfjs in Node:
 *
 * - tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter,
 *   DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput,
 *   so a wasm model cannot be trained at all without them;
 * - 1×1 stride-1 convolutions (the pointwise layers) get both gradients as
 *   the backend's matrix products (pointwise-gradients.ts): wasm's own
 *   Conv2DBackpropInput is a loop nest 13× slower, and tfjs-backend-cpu's
 *   Conv2DBackpropFilter took 7.8 s of an 11 s training step of a 0.25
 *   MobileNet-32 (batch 64, tf.profile);
 * - the other convolutions' gradients are loops over host data
 *   (conv-gradients.ts);
 * - Relu's and ClipByValue's gradients (relu6) are one host pass each
 *   instead of seven kernels (activation-gradients.ts);
 * - BN in training mode and its gradient are one kernel each, two host passes
 *   (fused-batch-norm.ts), used by toLayersModel's BatchNormalization layers;
 *   only on the backends whose tensors live on the host (cpu, wasm): elsewhere
 *   (webgl) reading them back would cost more than tfjs's own kernels.
 *
 * Only NHWC, dilation 1, float32: what MobileNet uses. Anything else throws a
 * clear error naming the kernel and the value, or runs the backend's own kernel.
 */

type Tf = typeof tfc;
type TensorInfo = tfc.TensorInfo;
type Attrs = Record<string, unknown>;

/**
 * The backend's own kernel, kept to run the cases ours do not handle (a clear
 * error when it has none), with its setup and dispose hooks: tfjs-backend-wasm
 * binds each kernel's wasm function in `setupFunc` when the backend starts,
 * which may be after we replace the kernel.
 */
function originalKernel(tf: Tf, name: string, backendName: string): Pick<tfc.KernelConfig, 'kernelFunc' | 'setupFunc' | 'disposeFunc'> {
  const own = tf.getKernel(name, backendName);
  if (own) return { kernelFunc: own.kernelFunc, setupFunc: own.setupFunc, disposeFunc: own.disposeFunc };
  return {
    kernelFunc: () => {
      throw new Error(`${name} on tfjs backend "${backendName}": only 1×1 stride-1 convolutions are handled here, and the backend has no ${name} of its own`);
    },
  };
}

function kernelConfigs(tf: Tf, backendName: string): tfc.KernelConfig[] {
  const ownInputGradient = originalKernel(tf, 'Conv2DBackpropInput', backendName);
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
        if (isPointwise(g) && tf.getKernel('BatchMatMul', backendName) && tf.getKernel('Transpose', backendName)) return pointwiseFilterGradient(tf, backendName, b, x, dy, g, filterShape);
        return hostKernel(b, filterShape, [x, dy], ([xv, dyv], out) => conv2dBackpropFilter(xv!, dyv!, g, out));
      },
    },
    {
      kernelName: 'Conv2DBackpropInput',
      backendName,
      ...(ownInputGradient.setupFunc ? { setupFunc: ownInputGradient.setupFunc } : {}),
      ...(ownInputGradient.disposeFunc ? { disposeFunc: ownInputGradient.disposeFunc } : {}),
      kernelFunc: (args) => {
        const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
        const a = args.attrs as Attrs;
        const inputShape = a.inputShape as number[];
        if (a.dataFormat === undefined || a.dataFormat === 'NHWC' || a.dataFormat === 'channelsLast') {
          const g = convGeometry(tf, 'Conv2DBackpropInput', inputShape, filter.shape, a.strides as [number, number], 1, a.pad, a.dimRoundingMode, false);
          if (isPointwise(g) && tf.getKernel('BatchMatMul', backendName) && tf.getKernel('Transpose', backendName)) {
            return pointwiseInputGradient(tf, backendName, args.backend as unknown as KernelBackendLike, dy, filter, g, inputShape);
          }
        }
        return ownInputGradient.kernelFunc(args);
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
        return hostKernel(b, filterShape, [x, dy], ([xv, dyv], out) => depthwiseBackpropFilter(xv!, dyv!, g, filterShape[3]!, out));
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
        return hostKernel(b, inputShape, [dy, filter], ([dyv, wv], out) => depthwiseBackpropInput(dyv!, wv!, g, filter.shape[3]!, out));
      },
    },
    rangeGradientKernel(backendName),
    ...(HOST_MEMORY_BACKENDS.has(backendName) ? batchNormTrainingKernels(backendName) : []),
  ];
}

/** The tfjs backends whose tensors are host (or wasm heap) memory. */
const HOST_MEMORY_BACKENDS = new Set(['cpu', 'wasm']);

const installed = new WeakMap<object, Set<string>>();
const gradientsInstalled = new WeakSet<object>();

/**
 * Registers the convolution gradient kernels for a tfjs backend (replacing
 * tfjs's own; default: the active backend) and the kernel that the Relu and
 * ClipByValue gradients use and, on cpu and wasm, the fused training-mode BN
 * kernels; registers those two gradients, the fused BN's and the broadcasting
 * BN gradient for the tfjs copy. Idempotent per tfjs copy and
 * backend name. Returns the kernel names it registered (none when they
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
    tf.registerGradient(batchNormTrainingGradConfig(tf));
    for (const config of activationGradConfigs(tf)) tf.registerGradient(config);
    gradientsInstalled.add(tf);
  }
  return names;
}
