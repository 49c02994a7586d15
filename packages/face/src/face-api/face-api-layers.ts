import type { GraphBuilder } from '@mobilenet-kit/core';

/**
 * The layers face-api's attribute nets are made of, written in our ops with
 * node names that follow face-api's tensor names (attribute-weights.ts maps
 * them back mechanically):
 * - `conv(x, name, …)`: face-api's `tf.conv2d(x, filters, stride, 'same') + bias`,
 *   one conv2d node `name` (params `name/kernel`, `name/bias`).
 * - `separable(x, name, …)`: its depthwiseSeparableConv,
 *   `tf.separableConv2d(x, depthwise, pointwise, stride, 'same') + bias`:
 *   a depthwise node `name/depthwise` (no bias, the stride) and a 1×1
 *   pointwise conv2d `name/pointwise` with the bias.
 * `relu` fuses a ReLU that directly follows (exact: max(0, x) of the same sum).
 */
export function faceApiLayers(b: GraphBuilder) {
  const act = (relu: boolean) => (relu ? { activation: 'relu' as const } : {});
  return {
    conv(x: string, name: string, filters: number, kernel: number, stride: number, relu = false): string {
      return b.add(name, 'conv2d', [x], { filters, kernelSize: [kernel, kernel], strides: [stride, stride], padding: 'same', useBias: true, ...act(relu) });
    },
    separable(x: string, name: string, filters: number, stride: number, relu = false): string {
      const dw = b.add(`${name}/depthwise`, 'depthwiseConv2d', [x], { kernelSize: [3, 3], strides: [stride, stride], padding: 'same', depthMultiplier: 1, useBias: false });
      return b.add(`${name}/pointwise`, 'conv2d', [dw], { filters, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', useBias: true, ...act(relu) });
    },
    relu(x: string, name: string): string {
      return b.add(name, 'activation', [x], { fn: 'relu' });
    },
    add(a: string, c: string, name: string): string {
      return b.add(name, 'add', [a, c], {});
    },
    /** face-api's `tf.avgPool(x, [7, 7], [2, 2], 'valid').as2D(n, -1)` over the 7×7 bottleneck. */
    pool7(x: string): string {
      const pooled = b.add('avg_pool', 'avgPool', [x], { poolSize: [7, 7], strides: [2, 2], padding: 'valid' });
      return b.add('flatten', 'flatten', [pooled], {});
    },
  };
}
