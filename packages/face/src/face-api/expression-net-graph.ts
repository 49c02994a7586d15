import { type Graph, GraphBuilder } from '@mobilenet-kit/core';
import { FACE_API_ATTRIBUTE_INPUT_SIZE } from './age-gender-net-graph';
import { faceApiLayers } from './face-api-layers';

/**
 * face-api's FaceExpressionNet (vladmandic/face-api 1.7.15
 * src/faceExpressionNet, src/faceFeatureExtractor: four denseBlock4) as an
 * IR graph: a 112×112 normalized face crop in, `expression` [n, 7] (softmax
 * in EXPRESSION_LABELS order) out. The sums keep face-api's association,
 * `out1 + (out2 + (out3 + out4))`, so that float rounding matches.
 */
export const EXPRESSION_OUTPUT = 'expression';
/** face-api's FACE_EXPRESSION_LABELS, in its output order. */
export const EXPRESSION_LABELS = Object.freeze(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const);
export type ExpressionLabel = (typeof EXPRESSION_LABELS)[number];

export function faceApiExpressionGraph(): Graph {
  const size = FACE_API_ATTRIBUTE_INPUT_SIZE;
  const b = new GraphBuilder('face_api_expression_net');
  const l = faceApiLayers(b);

  const denseBlock4 = (x: string, name: string, filters: number, first: boolean) => {
    const out1 = first ? l.conv(x, `${name}/conv0`, filters, 3, 2, true) : l.separable(x, `${name}/conv0`, filters, 2, true);
    const out2 = l.separable(out1, `${name}/conv1`, filters, 1);
    const in3 = l.relu(l.add(out1, out2, `${name}/sum2`), `${name}/relu2`);
    const out3 = l.separable(in3, `${name}/conv2`, filters, 1);
    const in4 = l.relu(l.add(out1, l.add(out2, out3, `${name}/sum23`), `${name}/sum3`), `${name}/relu3`);
    const out4 = l.separable(in4, `${name}/conv3`, filters, 1);
    const sum34 = l.add(out3, out4, `${name}/sum34`);
    return l.relu(l.add(out1, l.add(out2, sum34, `${name}/sum234`), `${name}/sum4`), `${name}/relu4`);
  };

  let x = b.input('input', [null, size, size, 3]);
  x = denseBlock4(x, 'dense0', 32, true);
  x = denseBlock4(x, 'dense1', 64, false);
  x = denseBlock4(x, 'dense2', 128, false);
  x = denseBlock4(x, 'dense3', 256, false);
  const logits = b.add('fc', 'dense', [l.pool7(x)], { units: EXPRESSION_LABELS.length, useBias: true });
  b.output(b.add('expression_softmax', 'activation', [logits], { fn: 'softmax' }), EXPRESSION_OUTPUT);
  return b.build();
}
