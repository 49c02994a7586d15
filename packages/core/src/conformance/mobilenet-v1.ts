import { GraphBuilder } from '../graph-builder';
import type { Graph } from '../types';

/**
 * A compact MobileNet v1 for the conformance suite, built with core's own
 * GraphBuilder (core cannot import @mobilenet-kit/backbone, which depends on
 * core). The body mirrors Table 1 of Howard et al. 2017 (arXiv 1704.04861):
 * a 3×3 stride-2 conv to 32 channels, then 13 depthwise-separable blocks.
 * The table prints the second-to-last depthwise stride as 2; it is 1, or the
 * 7×7 map would halve again (see shared PAPER.md).
 */
export const MOBILENET_V1_BODY: readonly { readonly filters: number; readonly stride: 1 | 2 }[] = [
  { filters: 64, stride: 1 },
  { filters: 128, stride: 2 },
  { filters: 128, stride: 1 },
  { filters: 256, stride: 2 },
  { filters: 256, stride: 1 },
  { filters: 512, stride: 2 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 1024, stride: 2 },
  { filters: 1024, stride: 1 },
];

/** Filters of the first (full) convolution, before the width multiplier. */
export const MOBILENET_V1_STEM_FILTERS = 32;

/** BN ε used by the Keras and TF-Slim implementations (PAPER.md). */
const BN_EPSILON = 1e-3;

export interface ConformanceMobileNetOptions {
  /** Width multiplier α (the paper's 1.0, 0.75, 0.5, 0.25). */
  readonly alpha: number;
  /** Input height and width (the paper's 224, 192, 160, 128). */
  readonly resolution: number;
  /** Classes of the FC layer; 1000 as on ImageNet by default. */
  readonly classes?: number;
}

/**
 * MobileNet v1 with unfolded BN and standalone ReLU6 (the training form), a
 * Keras-style head (global average pool, dropout, 1×1 conv with bias,
 * reshape, softmax) and three outputs: `features` (pooled, `[N, 1, 1, C]`),
 * `logits` and `probabilities`. Node names follow Keras (`conv1`,
 * `conv_dw_3`, `conv_pw_3_bn`, …).
 */
export function conformanceMobileNetV1({ alpha, resolution, classes = 1000 }: ConformanceMobileNetOptions): Graph {
  if (!(alpha > 0)) throw new Error(`conformanceMobileNetV1: alpha must be > 0, got ${alpha}`);
  if (!Number.isInteger(resolution) || resolution < 32) throw new Error(`conformanceMobileNetV1: resolution must be an integer ≥ 32, got ${resolution}`);
  const width = (filters: number) => Math.max(1, Math.floor(filters * alpha));
  const b = new GraphBuilder(`mobilenet_v1_${alpha}_${resolution}`);

  const convBnRelu6 = (name: string, input: string, conv: 'conv2d' | 'depthwiseConv2d', filters: number, kernel: number, stride: number): string => {
    const common = { kernelSize: [kernel, kernel] as [number, number], strides: [stride, stride] as [number, number], padding: 'same' as const };
    const c =
      conv === 'conv2d'
        ? b.add(name, 'conv2d', [input], { ...common, filters })
        : b.add(name, 'depthwiseConv2d', [input], { ...common, depthMultiplier: 1 });
    const bn = b.add(`${name}_bn`, 'batchNorm', [c], { epsilon: BN_EPSILON });
    return b.add(`${name}_relu`, 'activation', [bn], { fn: 'relu6' });
  };

  let x = b.input('input', [null, resolution, resolution, 3]);
  x = convBnRelu6('conv1', x, 'conv2d', width(MOBILENET_V1_STEM_FILTERS), 3, 2);
  MOBILENET_V1_BODY.forEach((block, i) => {
    x = convBnRelu6(`conv_dw_${i + 1}`, x, 'depthwiseConv2d', 0, 3, block.stride);
    x = convBnRelu6(`conv_pw_${i + 1}`, x, 'conv2d', width(block.filters), 1, 1);
  });
  const pooled = b.add('global_average_pooling', 'globalAvgPool', [x], { keepDims: true });
  const dropped = b.add('dropout', 'dropout', [pooled], { rate: 1e-3 });
  const preds = b.add('conv_preds', 'conv2d', [dropped], { filters: classes, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true });
  const logits = b.add('reshape', 'reshape', [preds], { shape: [classes] });
  const probabilities = b.add('predictions', 'activation', [logits], { fn: 'softmax' });
  return b.output(pooled, 'features').output(logits, 'logits').output(probabilities, 'probabilities').build();
}
