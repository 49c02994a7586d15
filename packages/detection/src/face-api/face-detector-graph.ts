import { mobilenetV1 } from '@mobilenet-kit/backbone';
import type { Graph } from '@mobilenet-kit/core';
import type { SsdAnchorOptions } from '../anchors';
import { replaceBatchNormWithBias } from '../bias-for-batch-norm';
import { ssdHead } from '../ssd-head';

/**
 * face-api's SSD MobileNetV1 face detector (PAPER.md, last section; face-api
 * src/ssdMobilenetv1/*.ts): 512×512 input, MobileNet v1 1.0 with conv_0 and
 * the pointwise layers carrying a bias (batch norm folded at export) and the
 * depthwise layers an explicit batch norm (ε = 0.0010000000474974513, the
 * float32 1e-3 face-api passes to tf.batchNorm) and ReLU6; extra layers with
 * bias and ReLU6; 1×1 predictors; 2 foreground classes (face-api reads only
 * the first); anchors of TF-OD's multiple-grid generator in the 2017 order.
 */
export const FACE_API_SSD_INPUT_SIZE = 512;
export const FACE_API_SSD_NUM_CLASSES = 2;
/** face-api mobileNetV1.ts: `const epsilon = 0.0010000000474974513`. */
export const FACE_API_DEPTHWISE_BN_EPSILON = 0.0010000000474974513;

/**
 * The anchor options that reproduce face-api's stored anchors
 * (`Output/extra_dim`). The last aspect ratio is 0.3333, as written in
 * TF-OD's ssd_mobilenet_v1 pipeline configs, not 1/3: with 1/3 the tallest
 * anchors differ from the stored ones by 4.1e-5.
 */
export const FACE_API_SSD_ANCHORS: Readonly<SsdAnchorOptions> = Object.freeze({
  numLayers: 6,
  minScale: 0.2,
  maxScale: 0.95,
  aspectRatios: [1, 2, 0.5, 3, 0.3333],
  interpolatedScaleAspectRatio: 1,
  reduceBoxesInLowestLayer: true,
  ordering: '2017' as const,
});

/** Builds the IR graph of face-api's detector (weights come from importFaceApiSsdWeights). */
export function faceApiSsdGraph({ resolution = FACE_API_SSD_INPUT_SIZE, numClasses = FACE_API_SSD_NUM_CLASSES }: { resolution?: number; numClasses?: number } = {}): Graph {
  const backbone = mobilenetV1({
    resolution,
    includeTop: false,
    taps: ['conv_pw_11', 'conv_pw_13'],
    batchNormEpsilon: FACE_API_DEPTHWISE_BN_EPSILON,
    activation: 'relu6',
  });
  const folded = ['conv1_bn', ...Array.from({ length: 13 }, (_, i) => `conv_pw_${i + 1}_bn`)];
  return ssdHead(replaceBatchNormWithBias(backbone, folded), {
    numClasses,
    anchors: FACE_API_SSD_ANCHORS,
    normalization: 'bias',
    name: 'face_api_ssd_mobilenetv1',
  });
}
