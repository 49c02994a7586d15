import { type Graph, GraphBuilder } from '@mobilenet-kit/core';
import { faceApiLayers } from './face-api-layers';

/**
 * face-api's AgeGenderNet (vladmandic/face-api 1.7.15 src/ageGenderNet and
 * src/xception/TinyXception.ts with 2 main blocks) as an IR graph: a 112×112
 * normalized face crop in, `age` [n, 1] (years, a regression) and `gender`
 * [n, 2] (softmax: male, female) out.
 *
 * Input normalization `(x − meanRgb) / 255` stays outside the graph, as for
 * the recognition net (FACE_API_RECOGNITION_MEAN_RGB: the same constants).
 */
export const FACE_API_ATTRIBUTE_INPUT_SIZE = 112;
export const AGE_OUTPUT = 'age';
export const GENDER_OUTPUT = 'gender';
/** face-api's order of the gender softmax (AgeGenderNet.predictAgeAndGender: index 0 is the probability of male). */
export const GENDER_LABELS = Object.freeze(['male', 'female'] as const);

export function faceApiAgeGenderGraph(): Graph {
  const size = FACE_API_ATTRIBUTE_INPUT_SIZE;
  const b = new GraphBuilder('face_api_age_gender_net');
  const l = faceApiLayers(b);

  // TinyXception reductionBlock: the shortcut takes the block's input before its ReLU.
  const reductionBlock = (x: string, name: string, filters: number, activateInput: boolean) => {
    const input = activateInput ? l.relu(x, `${name}/relu_in`) : x;
    let out = l.separable(input, `${name}/separable_conv0`, filters, 1, true);
    out = l.separable(out, `${name}/separable_conv1`, filters, 1);
    out = b.add(`${name}/max_pool`, 'maxPool', [out], { poolSize: [3, 3], strides: [2, 2], padding: 'same' });
    return l.add(out, l.conv(x, `${name}/expansion_conv`, filters, 1, 2), `${name}/add`);
  };
  const mainBlock = (x: string, name: string, filters: number) => {
    let out = l.separable(l.relu(x, `${name}/relu_in`), `${name}/separable_conv0`, filters, 1, true);
    out = l.separable(out, `${name}/separable_conv1`, filters, 1, true);
    out = l.separable(out, `${name}/separable_conv2`, filters, 1);
    return l.add(out, x, `${name}/add`);
  };

  let x = b.input('input', [null, size, size, 3]);
  x = l.conv(x, 'entry_flow/conv_in', 32, 3, 2, true);
  x = reductionBlock(x, 'entry_flow/reduction_block_0', 64, false);
  x = reductionBlock(x, 'entry_flow/reduction_block_1', 128, true);
  x = mainBlock(x, 'middle_flow/main_block_0', 128);
  x = mainBlock(x, 'middle_flow/main_block_1', 128);
  x = reductionBlock(x, 'exit_flow/reduction_block', 256, true);
  x = l.separable(x, 'exit_flow/separable_conv', 512, 1, true);
  const pooled = l.pool7(x);
  b.output(b.add('fc/age', 'dense', [pooled], { units: 1, useBias: true }), AGE_OUTPUT);
  const gender = b.add('fc/gender', 'dense', [pooled], { units: 2, useBias: true });
  b.output(b.add('gender_softmax', 'activation', [gender], { fn: 'softmax' }), GENDER_OUTPUT);
  return b.build();
}
