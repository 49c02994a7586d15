import { analyzeGraph, paramSpecs } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { ParamNameError, kerasName, mobilenetV1, tfSlimName } from '../src/index';

describe('kerasName (tfjs-layers weight names)', () => {
  it.each([
    ['conv1/kernel', 'conv1/kernel'],
    ['conv1_bn/gamma', 'conv1_bn/gamma'],
    ['conv_dw_3/depthwise_kernel', 'conv_dw_3/depthwise_kernel'],
    ['conv_dw_3_bn/moving_variance', 'conv_dw_3_bn/moving_variance'],
    ['conv_pw_13/kernel', 'conv_pw_13/kernel'],
    ['conv_pw_13_bn/beta', 'conv_pw_13_bn/beta'],
    ['logits/kernel', 'conv_preds/kernel'],
    ['logits/bias', 'conv_preds/bias'],
    ['conv_7/kernel', 'conv_7/kernel'],
    ['conv_pw_3/bias', 'conv_pw_3/bias'],
    ['backbone/conv_dw_3/depthwise_kernel', 'conv_dw_3/depthwise_kernel'],
    ['model/backbone/logits/bias', 'conv_preds/bias'],
  ])('%s → %s', (ours, keras) => expect(kerasName(ours)).toBe(keras));
});

describe('tfSlimName (TF-slim variable names)', () => {
  it.each([
    ['conv1/kernel', 'MobilenetV1/Conv2d_0/weights'],
    ['conv1_bn/gamma', 'MobilenetV1/Conv2d_0/BatchNorm/gamma'],
    ['conv_dw_3/depthwise_kernel', 'MobilenetV1/Conv2d_3_depthwise/depthwise_weights'],
    ['conv_dw_3_bn/beta', 'MobilenetV1/Conv2d_3_depthwise/BatchNorm/beta'],
    ['conv_pw_3/kernel', 'MobilenetV1/Conv2d_3_pointwise/weights'],
    ['conv_pw_3_bn/gamma', 'MobilenetV1/Conv2d_3_pointwise/BatchNorm/gamma'],
    ['conv_pw_13_bn/moving_mean', 'MobilenetV1/Conv2d_13_pointwise/BatchNorm/moving_mean'],
    ['conv_pw_13_bn/moving_variance', 'MobilenetV1/Conv2d_13_pointwise/BatchNorm/moving_variance'],
    ['logits/kernel', 'MobilenetV1/Logits/Conv2d_1c_1x1/weights'],
    ['logits/bias', 'MobilenetV1/Logits/Conv2d_1c_1x1/biases'],
    ['conv_5/kernel', 'MobilenetV1/Conv2d_5/weights'],
    ['conv_5_bn/gamma', 'MobilenetV1/Conv2d_5/BatchNorm/gamma'],
    ['conv_pw_3/bias', 'MobilenetV1/Conv2d_3_pointwise/biases'],
    ['backbone/conv_pw_3/kernel', 'MobilenetV1/Conv2d_3_pointwise/weights'],
  ])('%s → %s', (ours, slim) => expect(tfSlimName(ours)).toBe(slim));

  it('takes another scope (TF Object Detection API feature extractors)', () => {
    expect(tfSlimName('backbone/conv_dw_1/depthwise_kernel', 'FeatureExtractor/MobilenetV1')).toBe(
      'FeatureExtractor/MobilenetV1/Conv2d_1_depthwise/depthwise_weights',
    );
    expect(tfSlimName('conv1/kernel', '')).toBe('Conv2d_0/weights');
  });
});

describe('name maps over whole graphs', () => {
  it.each([
    ['standard', {}],
    ['shallow', { variant: 'shallow' }],
    ['fullConv', { variant: 'fullConv' }],
    ['scoped, no top', { scope: 'backbone', includeTop: false }],
  ] as const)('%s: every parameter maps, one to one', (_name, options) => {
    const names = paramSpecs(mobilenetV1(options)).map((p) => p.name);
    for (const map of [kerasName, (n: string) => tfSlimName(n)]) {
      const mapped = names.map(map);
      expect(new Set(mapped).size).toBe(names.length);
    }
  });

  it('gives the 1.0-224 model the 137 tfjs-layers weight names of Keras MobileNet', () => {
    const g = mobilenetV1();
    const keras = paramSpecs(g, analyzeGraph(g)).map((p) => kerasName(p.name));
    expect(keras).toHaveLength(1 + 4 + 13 * 2 * 5 + 2);
    expect(keras.slice(0, 7)).toEqual([
      'conv1/kernel', 'conv1_bn/gamma', 'conv1_bn/beta', 'conv1_bn/moving_mean', 'conv1_bn/moving_variance',
      'conv_dw_1/depthwise_kernel', 'conv_dw_1_bn/gamma',
    ]);
    expect(keras.slice(-2)).toEqual(['conv_preds/kernel', 'conv_preds/bias']);
  });
});

describe('unknown names throw, naming the name and what is known', () => {
  it.each([
    ['conv_pw_14/kernel', /"conv_pw_14\/kernel".*node "conv_pw_14" is not a MobileNet v1 layer; known nodes: conv1, conv_dw_N/],
    ['conv_dw_0/depthwise_kernel', /node "conv_dw_0" is not a MobileNet v1 layer/],
    ['conv_dw_3/kernel', /node "conv_dw_3" has no parameter "kernel"; allowed: depthwise_kernel, bias/],
    ['conv_pw_3_bn/kernel', /node "conv_pw_3_bn" has no parameter "kernel"; allowed: gamma, beta, moving_mean, moving_variance/],
    ['logits_bn/gamma', /node "logits_bn" is not a MobileNet v1 layer/],
    ['ssd/box_predictor_0/kernel', /node "box_predictor_0" is not a MobileNet v1 layer/],
    ['kernel', /expected \[<scope>\/\]<node>\/<param>/],
    ['conv1//kernel', /expected \[<scope>\/\]<node>\/<param>/],
  ])('%s', (name, message) => {
    expect(() => kerasName(name)).toThrow(ParamNameError);
    expect(() => kerasName(name)).toThrow(message);
    expect(() => tfSlimName(name)).toThrow(message);
  });

  it('says which map failed', () => {
    expect(() => tfSlimName('nope/kernel')).toThrow(/^tfSlimName: /);
    expect(() => kerasName('nope/kernel')).toThrow(/^kerasName: /);
  });
});
