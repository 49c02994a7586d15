import { conv2dBackpropFilter, convGeometry, convTaps, rangeGradient, registerTrainingKernels } from '@mobilenet-kit/backend-tfjs/training';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers registers the gradients of every tfjs-core op.
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

const KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MobilenetKitRangeGradient', 'MobilenetKitBatchNormTraining', 'MobilenetKitBatchNormTrainingGrad'];

describe('convolution gradient kernels', () => {
  // [input shape, filter shape, stride, padding]; depthwise cases use the filter's last dim as multiplier.
  const cases: [number[], number[], number, 'same' | 'valid'][] = [
    [[2, 9, 9, 4], [3, 3, 4, 5], 2, 'same'],
    [[2, 8, 8, 4], [1, 1, 4, 6], 1, 'same'],
    [[1, 7, 7, 3], [3, 3, 3, 2], 1, 'valid'],
    [[2, 6, 6, 3], [3, 3, 3, 2], 2, 'same'],
    // 1×1 stride 2 is not pointwise: the backend's own input gradient and our loop.
    [[2, 6, 6, 3], [1, 1, 3, 4], 2, 'valid'],
  ];
  const gradients = () =>
    cases.map(([xs, ws, s, pad]) =>
      tf.tidy(() => {
        const x = tf.randomNormal(xs, 0, 1, 'float32', 1);
        const w = tf.randomNormal(ws, 0, 1, 'float32', 2);
        const wd = tf.randomNormal([ws[0]!, ws[1]!, ws[2]!, ws[3]! % 3 || 1], 0, 1, 'float32', 3);
        const conv = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad))))([x, w]);
        const dw = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad))))([x, wd]);
        // BN in training mode, as tfjs-layers computes it: moments of x, then batchNorm.
        const bn = tf.grads((a: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.sum(tf.square(tf.batchNorm(a, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-3)));
        })([x, tf.randomNormal([xs[3]!], 1, 0.2, 'float32', 4), tf.randomNormal([xs[3]!], 0, 0.2, 'float32', 5)]);
        // relu6 as tfjs-layers builds it (Relu, then ClipByValue), on values that cross 0 and 6.
        const relu6 = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(tf.relu(a), 0, 6), tf.reshape(tf.range(0, a.size), a.shape))))(tf.mul(x, 5));
        return [...conv, ...dw, ...bn, relu6].map((t) => t.dataSync() as Float32Array);
      }),
    );

  let reference: Float32Array[][];
  const expectClose = (ours: Float32Array[][], tolerance: number) =>
    reference.forEach((grads, i) =>
      grads.forEach((g, j) => {
        const o = ours[i]![j]!;
        expect(o.length).toBe(g.length);
        let scale = 0;
        for (const v of g) scale = Math.max(scale, Math.abs(v));
        for (let k = 0; k < g.length; k++) expect(Math.abs(o[k]! - g[k]!), `case ${i}, gradient ${j}, element ${k}`).toBeLessThanOrEqual(tolerance * scale + tolerance);
      }),
    );

  it('on wasm (which lacks three of them) equal what tfjs-backend-cpu computes', async () => {
    reference = gradients();
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      expect(() => gradients()).toThrow(/Conv2DBackpropFilter|DepthwiseConv2dNative/);
      // The default backend name is the active one.
      expect(registerTrainingKernels(tf)).toEqual(KERNELS);
      expectClose(gradients(), 1e-4);
    } finally {
      expect(await tf.setBackend('cpu')).toBe(true);
    }
  });

  it("equal tfjs-backend-cpu's own kernels (filter and input gradients, strides 1 and 2, same and valid, multipliers 1 and 2) and tfjs's BN gradient", () => {
    expect(registerTrainingKernels(tf, 'cpu')).toEqual(KERNELS);
    expect(registerTrainingKernels(tf, 'cpu')).toEqual([]);
    expectClose(gradients(), 1e-5);
  });

  it('rangeGradient passes dy inside the range only (Relu: 0 excluded; ClipByValue: both ends included)', () => {
    const x = Float32Array.from([-1, 0, 3, 6, 7]);
    const dy = Float32Array.from([1, 2, 3, 4, 5]);
    expect([...rangeGradient(dy, x, { low: 0, lowInclusive: false, high: Infinity })]).toEqual([0, 0, 3, 4, 5]);
    expect([...rangeGradient(dy, x, { low: 0, lowInclusive: true, high: 6 })]).toEqual([0, 2, 3, 4, 0]);
  });

  it('taps: one per output pixel and filter tap that reads inside the image; unsupported geometry is named', () => {
    // 3×3 stride-2 'same' on 4×4: TF pads 0 before, 1 after; 2×2 outputs, the last row and column of taps fall outside.
    const g = convGeometry(tf, 'Test', [1, 4, 4, 1], [3, 3, 1, 1], [2, 2], 1, 'same', undefined, false);
    expect(g).toMatchObject({ outHeight: 2, outWidth: 2, padTop: 0, padLeft: 0 });
    const taps = convTaps(g);
    expect(taps.count).toBe(9 + 6 + 6 + 4);
    expect([...taps.inPixel.subarray(0, 3)]).toEqual([0, 1, 2]);
    expect([...taps.outPixel.subarray(taps.count - 4)]).toEqual([3, 3, 3, 3]);
    expect([...taps.tap.subarray(taps.count - 4)]).toEqual([0, 1, 3, 4]);
    // The filter gradient from those taps, by hand: x = 1..16, dy = 1 at output (1, 1) only.
    const x = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const dW = conv2dBackpropFilter(x, Float32Array.from([0, 0, 0, 1]), g);
    expect([...dW]).toEqual([11, 12, 0, 15, 16, 0, 0, 0, 0]);
    expect(() => convGeometry(tf, 'Conv2DBackpropFilter', [1, 4, 4, 1], [3, 3, 1, 1], 1, [2, 2], 'same', undefined, false)).toThrow(/Conv2DBackpropFilter: only dilation 1 is supported, got \[2,2\]/);
    expect(() => convGeometry(tf, 'Conv2DBackpropFilter', [1, 4, 4, 1], [3, 3, 1, 1], 1, 1, 'same', undefined, false, 'NCHW')).toThrow(/only NHWC/);
  });
});
