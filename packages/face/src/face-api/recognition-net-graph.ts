import { GraphBuilder, type Graph } from '@mobilenet-kit/core';
import { EMBEDDING_OUTPUT } from '../embedding-head';

/**
 * face-api's FaceRecognitionNet (vladmandic/face-api 1.7.15
 * src/faceRecognitionNet/*.ts, a port of dlib's ResNet-34-style face
 * descriptor) as an IR graph: 150×150 input, 128-d output (not normalized,
 * as face-api returns it).
 *
 * How each of face-api's operations is written in our ops:
 * - `conv + bias` (its convLayer): conv2d with bias, node `<layer>/conv`.
 * - `scale` (x·w + b per channel, its scaleLayer): a depthwise 1×1 conv with
 *   bias, node `<layer>/scale` (kernel = w, bias = b); the ReLU of `conv` and
 *   `convDown` is fused into it. Exact: one product and one sum per value,
 *   as in face-api (a backend may contract them into one fused multiply-add).
 * - `tf.maxPool(3, 2, 'valid')`, `tf.avgPool(2, 2, 'valid')`, `add`,
 *   `relu`, `mean([1, 2])` and `matMul` map one to one (maxPool, avgPool,
 *   add, activation, globalAvgPool, dense without bias).
 * - residualDown's zero padding: the pooled shortcut gets zero channels when
 *   the block doubles its width (`concat([pooled, zeros], 3)`), and the
 *   conv path gets a zero row at the bottom and a zero column at the right
 *   when its valid stride-2 conv came out one smaller than the pooled
 *   shortcut (conv256_down: 3×3 vs 4×4; conv256_down_out: 1×1 vs 2×2).
 *   Core has no `pad` or `zeros` op, so a zero block is made from the
 *   tensor it is concatenated to: a pool to the block's shape, then a
 *   depthwise 1×1 conv with a zero kernel and no bias (`<layer>/zeros_*`;
 *   0·x = 0 for every finite x), then concat along the channel, height or
 *   width axis. Exact.
 * - Input normalization `(x − meanRgb) / 255` stays outside the graph (see
 *   FACE_API_RECOGNITION_MEAN_RGB; the embedder applies it rounding as tfjs
 *   does), so the graph takes the normalized image.
 */
export const FACE_API_RECOGNITION_INPUT_SIZE = 150;
export const FACE_API_DESCRIPTOR_SIZE = 128;
/** face-api FaceRecognitionNet.forwardInput: `normalize(x, [122.782, 117.001, 104.298]).div(255)`. */
export const FACE_API_RECOGNITION_MEAN_RGB: readonly [number, number, number] = Object.freeze([122.782, 117.001, 104.298]) as readonly [number, number, number];
export const FACE_API_RECOGNITION_DIVISOR = 255;

/** The residual stages in face-api's order: name, filters, whether the block downsamples. */
export const FACE_API_RECOGNITION_BLOCKS: readonly { readonly name: string; readonly filters: number; readonly down: boolean }[] = Object.freeze([
  { name: 'conv32_1', filters: 32, down: false },
  { name: 'conv32_2', filters: 32, down: false },
  { name: 'conv32_3', filters: 32, down: false },
  { name: 'conv64_down', filters: 64, down: true },
  { name: 'conv64_1', filters: 64, down: false },
  { name: 'conv64_2', filters: 64, down: false },
  { name: 'conv64_3', filters: 64, down: false },
  { name: 'conv128_down', filters: 128, down: true },
  { name: 'conv128_1', filters: 128, down: false },
  { name: 'conv128_2', filters: 128, down: false },
  { name: 'conv256_down', filters: 256, down: true },
  { name: 'conv256_1', filters: 256, down: false },
  { name: 'conv256_2', filters: 256, down: false },
  { name: 'conv256_down_out', filters: 256, down: true },
]);

/** Nodes whose depthwise kernel is all zeros by construction (the zero blocks of residualDown). */
export const isZeroBlockNode = (node: string) => /\/zeros_(channels|rows|cols)$/.test(node);

/** Builds the graph of face-api's recognition net (weights come from importFaceApiRecognitionWeights). */
export function faceApiRecognitionGraph(): Graph {
  const size = FACE_API_RECOGNITION_INPUT_SIZE;
  const b = new GraphBuilder('face_api_recognition_net');
  const channels = (node: string) => b.shapeOf(node)[3] as number;

  // convLayer: conv (+ bias) → scale (depthwise 1×1 + bias), ReLU fused into the scale when wanted.
  const convLayer = (x: string, layer: string, filters: number, kernel: number, stride: number, padding: 'same' | 'valid', relu: boolean) => {
    const conv = b.add(`${layer}/conv`, 'conv2d', [x], { filters, kernelSize: [kernel, kernel], strides: [stride, stride], padding, useBias: true });
    return b.add(`${layer}/scale`, 'depthwiseConv2d', [conv], {
      kernelSize: [1, 1],
      strides: [1, 1],
      padding: 'valid',
      depthMultiplier: 1,
      useBias: true,
      ...(relu ? { activation: 'relu' as const } : {}),
    });
  };
  const zeros = (x: string, name: string) => b.add(name, 'depthwiseConv2d', [x], { kernelSize: [1, 1], strides: [1, 1], padding: 'valid', depthMultiplier: 1, useBias: false });

  let x = b.input('input', [null, size, size, 3]);
  x = convLayer(x, 'conv32_down', 32, 7, 2, 'valid', true);
  x = b.add('max_pool', 'maxPool', [x], { poolSize: [3, 3], strides: [2, 2], padding: 'valid' });

  for (const block of FACE_API_RECOGNITION_BLOCKS) {
    const { name, filters } = block;
    if (!block.down) {
      let out = convLayer(x, `${name}/conv1`, filters, 3, 1, 'same', true);
      out = convLayer(out, `${name}/conv2`, filters, 3, 1, 'same', false);
      out = b.add(`${name}/add`, 'add', [out, x], {});
      x = b.add(`${name}/relu`, 'activation', [out], { fn: 'relu' });
      continue;
    }
    let out = convLayer(x, `${name}/conv1`, filters, 3, 2, 'valid', true);
    out = convLayer(out, `${name}/conv2`, filters, 3, 1, 'same', false);
    let pooled = b.add(`${name}/avg_pool`, 'avgPool', [x], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
    const [, ph, pw] = b.shapeOf(pooled) as number[];
    const [, oh, ow] = b.shapeOf(out) as number[];
    if (ph !== oh || pw !== ow) {
      if (ph !== oh! + 1 || pw !== ow! + 1) throw new Error(`faceApiRecognitionGraph: ${name}: the conv path is ${oh}×${ow} and the shortcut ${ph}×${pw}; face-api pads by one row and column only`);
      const row = b.add(`${name}/row_pool`, 'avgPool', [out], { poolSize: [oh!, 1], strides: [oh!, 1], padding: 'valid' });
      out = b.add(`${name}/pad_rows`, 'concat', [out, zeros(row, `${name}/zeros_rows`)], { axis: 1 });
      const col = b.add(`${name}/col_pool`, 'avgPool', [out], { poolSize: [1, ow!], strides: [1, ow!], padding: 'valid' });
      out = b.add(`${name}/pad_cols`, 'concat', [out, zeros(col, `${name}/zeros_cols`)], { axis: 2 });
    }
    if (channels(pooled) !== channels(out)) {
      if (channels(out) !== 2 * channels(pooled)) throw new Error(`faceApiRecognitionGraph: ${name}: face-api pads the shortcut with as many zero channels as it has`);
      pooled = b.add(`${name}/pad_channels`, 'concat', [pooled, zeros(pooled, `${name}/zeros_channels`)], { axis: -1 });
    }
    out = b.add(`${name}/add`, 'add', [pooled, out], {});
    x = b.add(`${name}/relu`, 'activation', [out], { fn: 'relu' });
  }
  x = b.add('global_pool', 'globalAvgPool', [x], {});
  x = b.add('fc', 'dense', [x], { units: FACE_API_DESCRIPTOR_SIZE, useBias: false });
  b.output(x, EMBEDDING_OUTPUT);
  return b.build();
}
