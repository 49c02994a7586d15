import { initializeWeights } from '@mobilenet-kit/backbone';
import { deriveSeed, type Graph, mulberry32, type WeightTensor, type Weights } from '@mobilenet-kit/core';

/**
 * Random weights for an SSD detector that learns from scratch: He uniform kernels
 * (`initializeWeights(graph, { scheme: 'he' })`, a depthwise filter's fan_in = kh·kw), so the
 * features keep their scale through the backbone's 27 ReLU6 layers at the start (measured at 0.25-128 on
 * photos: RMS 0.3 after conv_pw_1, 0.07 after conv_pw_13); train it with batch norm in training mode
 * (trainDetector's `batchNorm: 'train'`): frozen at its initial statistics the ReLU6 layers saturate within
 * a few epochs on a real-size set (see trainDetector's `batchNorm`). The box and class predictors
 * (`/box_predictor_`) start small, uniform with standard deviation 0.03 as TF-OD's ssd_mobilenet_v1
 * configs (truncated normal, stddev 0.03);
 * biases zero. Keras's Glorot default shrinks the features by about √C per depthwise layer, and
 * such a detector's outputs do not depend on its input (its logits differ by ~1e-8 between images).
 */
export function initializeDetectorWeights(graph: Graph, { seed = 0, predictorStddev = 0.03 }: { seed?: number; predictorStddev?: number } = {}): Weights {
  const weights = new Map<string, WeightTensor>(initializeWeights(graph, { seed, scheme: 'he' }));
  for (const [name, w] of weights) {
    if (!name.includes('/box_predictor_') || !name.endsWith('/kernel')) continue;
    const next = mulberry32(deriveSeed(seed, `predictor:${name}`));
    const limit = Math.sqrt(3) * predictorStddev;
    weights.set(name, { shape: w.shape, data: Float32Array.from({ length: w.data.length }, () => (2 * next() - 1) * limit) });
  }
  return weights;
}
