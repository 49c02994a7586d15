import { analyzeGraph, graphCost, type AnyNode, type Graph } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import {
  BackboneOptionError,
  MOBILENET_V1_DEFAULTS,
  mobilenetV1,
  mobilenetV1TapNames,
  resolveMobileNetV1Options,
  type MobileNetV1Options,
} from '../src/index';

const node = (g: Graph, name: string): AnyNode => {
  const n = g.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name} in ${g.name}`);
  return n;
};
const shapeOf = (g: Graph, name: string) => analyzeGraph(g).shapes.get(name);

describe('defaults', () => {
  it('resolve to Keras / the paper', () => {
    expect(resolveMobileNetV1Options()).toEqual({ ...MOBILENET_V1_DEFAULTS, taps: [] });
    expect(resolveMobileNetV1Options({})).toMatchObject({
      alpha: 1, resolution: 224, depthMultiplier: 1, variant: 'standard', includeTop: true, classes: 1000,
      pooling: null, dropout: 1e-3, activation: 'relu6', scope: '', batchNormEpsilon: 1e-3, inputName: 'input',
    });
  });

  it('build the Keras layer sequence, named as Keras names it', () => {
    const g = mobilenetV1();
    const names = g.nodes.map((n) => n.name);
    const block = (l: string) => [l, `${l}_bn`, `${l}_relu`];
    expect(names).toEqual([
      'input',
      ...block('conv1'),
      ...Array.from({ length: 13 }, (_, i) => [...block(`conv_dw_${i + 1}`), ...block(`conv_pw_${i + 1}`)]).flat(),
      'global_pool', 'dropout', 'logits', 'predictions',
    ]);
    expect(g.name).toBe('mobilenet_1.00_224');
    expect(g.outputs).toEqual([{ name: 'predictions', node: 'predictions' }]);
    expect(shapeOf(g, 'input')).toEqual([null, 224, 224, 3]);
    expect(shapeOf(g, 'conv_pw_13_relu')).toEqual([null, 7, 7, 1024]);
  });

  it('use no biases in conv and depthwise layers, separate batch norms, TF same padding and ReLU6', () => {
    const g = mobilenetV1();
    for (const n of g.nodes) {
      if (n.op === 'conv2d' || n.op === 'depthwiseConv2d') {
        expect(n.attrs.useBias, n.name).toBe(false);
        expect(n.attrs.padding).toBe('same');
        expect(n.attrs.activation).toBeUndefined();
      }
      if (n.op === 'batchNorm') expect(n.attrs.epsilon).toBe(1e-3);
      if (n.op === 'activation' && n.name !== 'predictions') expect(n.attrs.fn).toBe('relu6');
    }
    expect(node(g, 'predictions')).toMatchObject({ op: 'activation', attrs: { fn: 'softmax' }, inputs: ['logits'] });
    expect(node(g, 'logits')).toMatchObject({ op: 'dense', attrs: { units: 1000, useBias: true }, inputs: ['dropout'] });
    expect(node(g, 'dropout')).toMatchObject({ op: 'dropout', attrs: { rate: 1e-3 }, inputs: ['global_pool'] });
    expect(node(g, 'global_pool')).toMatchObject({ op: 'globalAvgPool', inputs: ['conv_pw_13_relu'] });
  });
});

describe('each option', () => {
  it('alpha scales every layer with Keras truncation', () => {
    const g = mobilenetV1({ alpha: 0.75 });
    expect(g.name).toBe('mobilenet_0.75_224');
    expect(shapeOf(g, 'conv1')).toEqual([null, 112, 112, 24]);
    expect(shapeOf(g, 'conv_pw_13')).toEqual([null, 7, 7, 768]);
    expect(analyzeGraph(g).params.get('logits')![0]!.shape).toEqual([768, 1000]);
    const wide = mobilenetV1({ alpha: 1.3, includeTop: false });
    expect(shapeOf(wide, 'conv_pw_1')).toEqual([null, 112, 112, 83]); // int(64 · 1.3)
    expect(shapeOf(mobilenetV1({ alpha: 0.001, includeTop: false }), 'conv_pw_13')).toEqual([null, 7, 7, 1]);
  });

  it('resolution sets the input and every map (ρ)', () => {
    const g = mobilenetV1({ resolution: 160 });
    expect(g.name).toBe('mobilenet_1.00_160');
    expect(shapeOf(g, 'input')).toEqual([null, 160, 160, 3]);
    expect(shapeOf(g, 'conv_pw_13_relu')).toEqual([null, 5, 5, 1024]);
    expect(shapeOf(mobilenetV1({ resolution: 32 }), 'conv_pw_13_relu')).toEqual([null, 1, 1, 1024]);
    // Odd sizes: TF 'same' padding gives ceil(size / stride) (Keras pads (0, 1) then 'valid', floor: see README).
    expect(shapeOf(mobilenetV1({ resolution: 225 }), 'conv_pw_13_relu')).toEqual([null, 8, 8, 1024]);
  });

  it('depthMultiplier widens the depthwise layers', () => {
    const g = mobilenetV1({ depthMultiplier: 2 });
    const info = analyzeGraph(g);
    expect(node(g, 'conv_dw_1').attrs).toMatchObject({ depthMultiplier: 2 });
    expect(info.params.get('conv_dw_1')![0]!.shape).toEqual([3, 3, 32, 2]);
    expect(info.shapes.get('conv_dw_1')).toEqual([null, 112, 112, 64]);
    expect(info.params.get('conv_pw_1')![0]!.shape).toEqual([1, 1, 64, 64]);
    expect(graphCost(g).totals.params).toBeGreaterThan(graphCost(mobilenetV1()).totals.params);
  });

  it("variant 'shallow' drops blocks 7–11 and keeps the other names", () => {
    const g = mobilenetV1({ variant: 'shallow' });
    expect(g.name).toBe('mobilenet_1.00_224_shallow');
    const names = new Set(g.nodes.map((n) => n.name));
    for (const id of [7, 8, 9, 10, 11]) expect(names.has(`conv_dw_${id}`)).toBe(false);
    expect(node(g, 'conv_dw_12').inputs).toEqual(['conv_pw_6_relu']);
    expect(shapeOf(g, 'conv_pw_6_relu')).toEqual([null, 14, 14, 512]);
  });

  it("variant 'fullConv' uses one 3×3 conv + BN + activation per block, named conv_N", () => {
    const g = mobilenetV1({ variant: 'fullConv' });
    expect(g.nodes.some((n) => n.op === 'depthwiseConv2d')).toBe(false);
    expect(node(g, 'conv_2')).toMatchObject({ op: 'conv2d', inputs: ['conv_1_relu'], attrs: { filters: 128, kernelSize: [3, 3], strides: [2, 2], useBias: false } });
    expect(node(g, 'conv_2_bn').op).toBe('batchNorm');
    expect(node(g, 'conv_2_relu').op).toBe('activation');
    expect(node(g, 'global_pool').inputs).toEqual(['conv_13_relu']);
  });

  it('includeTop: false ends at the last block', () => {
    const g = mobilenetV1({ includeTop: false });
    expect(g.nodes.at(-1)!.name).toBe('conv_pw_13_relu');
    expect(g.outputs).toEqual([{ name: 'conv_pw_13_relu', node: 'conv_pw_13_relu' }]);
    expect(graphCost(g).totals.params).toBe(3_185_088);
  });

  it('classes sizes the FC and the softmax', () => {
    const g = mobilenetV1({ classes: 10 });
    expect(node(g, 'logits').attrs).toMatchObject({ units: 10 });
    expect(shapeOf(g, 'predictions')).toEqual([null, 10]);
  });

  it.each([
    ['avg', 'globalAvgPool'],
    ['max', 'globalMaxPool'],
  ] as const)('pooling %s without top adds a %s node', (pooling, op) => {
    const g = mobilenetV1({ includeTop: false, pooling });
    expect(node(g, 'global_pool')).toMatchObject({ op, inputs: ['conv_pw_13_relu'] });
    expect(g.outputs).toEqual([{ name: 'global_pool', node: 'global_pool' }]);
    expect(shapeOf(g, 'global_pool')).toEqual([null, 1024]);
    expect(resolveMobileNetV1Options({ includeTop: false, pooling: null }).pooling).toBeNull();
  });

  it('dropout sets the rate of the top dropout node', () => {
    expect(node(mobilenetV1({ dropout: 0.2 }), 'dropout').attrs).toEqual({ rate: 0.2 });
    expect(node(mobilenetV1({ dropout: 0 }), 'dropout').attrs).toEqual({ rate: 0 });
  });

  it("activation 'relu' replaces ReLU6 everywhere but the softmax", () => {
    const g = mobilenetV1({ activation: 'relu' });
    const fns = g.nodes.filter((n) => n.op === 'activation').map((n) => (n.op === 'activation' ? n.attrs.fn : ''));
    expect(fns.filter((f) => f === 'relu')).toHaveLength(27);
    expect(fns.filter((f) => f !== 'relu')).toEqual(['softmax']);
  });

  it('taps become graph outputs of those names, after the activation', () => {
    const g = mobilenetV1({ includeTop: false, taps: ['conv_pw_11', 'conv_pw_13', 'conv1', 'conv_dw_2'] });
    expect(g.outputs).toEqual([
      { name: 'conv_pw_13_relu', node: 'conv_pw_13_relu' },
      { name: 'conv_pw_11', node: 'conv_pw_11_relu' },
      { name: 'conv_pw_13', node: 'conv_pw_13_relu' },
      { name: 'conv1', node: 'conv1_relu' },
      { name: 'conv_dw_2', node: 'conv_dw_2_relu' },
    ]);
    expect(shapeOf(g, 'conv_pw_11_relu')).toEqual([null, 14, 14, 512]);
    expect(shapeOf(g, 'conv_dw_2_relu')).toEqual([null, 56, 56, 64]);
    const full = mobilenetV1({ variant: 'fullConv', taps: ['conv_11'] });
    expect(full.outputs[1]).toEqual({ name: 'conv_11', node: 'conv_11_relu' });
  });

  it('lists the tap names of each variant', () => {
    expect(mobilenetV1TapNames()).toHaveLength(27);
    expect(mobilenetV1TapNames('shallow')).not.toContain('conv_pw_7');
    expect(mobilenetV1TapNames('shallow')).toHaveLength(17);
    expect(mobilenetV1TapNames('fullConv')).toEqual(['conv1', ...Array.from({ length: 13 }, (_, i) => `conv_${i + 1}`)]);
  });

  it('scope prefixes every node but the input, and so every parameter', () => {
    const g = mobilenetV1({ scope: 'backbone', taps: ['conv_pw_11'] });
    expect(g.nodes.map((n) => n.name).slice(0, 3)).toEqual(['input', 'backbone/conv1', 'backbone/conv1_bn']);
    expect(g.nodes.every((n) => n.op === 'input' || n.name.startsWith('backbone/'))).toBe(true);
    expect(g.outputs).toEqual([
      { name: 'predictions', node: 'backbone/predictions' },
      { name: 'conv_pw_11', node: 'backbone/conv_pw_11_relu' },
    ]);
    const params = [...analyzeGraph(g).params.values()].flat().map((p) => p.name);
    expect(params).toContain('backbone/conv_dw_3/depthwise_kernel');
    expect(params).toContain('backbone/conv_pw_3_bn/gamma');
    expect(mobilenetV1({ scope: 'model/backbone' }).nodes[1]!.name).toBe('model/backbone/conv1');
  });

  it('batchNormEpsilon sets every batch norm', () => {
    const g = mobilenetV1({ batchNormEpsilon: 1e-5 });
    const eps = g.nodes.flatMap((n) => (n.op === 'batchNorm' ? [n.attrs.epsilon] : []));
    expect(eps).toHaveLength(27);
    expect(new Set(eps)).toEqual(new Set([1e-5]));
  });

  it('inputName names the input node', () => {
    const g = mobilenetV1({ inputName: 'image' });
    expect(g.nodes[0]).toMatchObject({ name: 'image', op: 'input' });
    expect(node(g, 'conv1').inputs).toEqual(['image']);
  });

  it('passes resolved options through unchanged, so they can be handed on', () => {
    const o = resolveMobileNetV1Options({ includeTop: false, pooling: 'avg', alpha: 0.5 });
    expect(resolveMobileNetV1Options(o)).toBe(o);
    expect(mobilenetV1(o).outputs).toEqual([{ name: 'global_pool', node: 'global_pool' }]);
    // A copy is checked like user options: classes without top is still an error.
    expect(() => resolveMobileNetV1Options({ ...o })).toThrow(/"classes" = 1000 /);
  });

  it('returns frozen resolved options with a copy of the taps', () => {
    const taps = ['conv_pw_11'];
    const o = resolveMobileNetV1Options({ taps });
    taps.push('conv1');
    expect(o.taps).toEqual(['conv_pw_11']);
    expect(Object.isFrozen(o)).toBe(true);
  });
});

describe('validation errors quote the bad value and say what is allowed', () => {
  const cases: [string, unknown, RegExp][] = [
    ['alpha', { alpha: 0 }, /"alpha" = 0 .*positive finite/],
    ['alpha', { alpha: -0.5 }, /"alpha" = -0\.5 /],
    ['alpha', { alpha: Number.NaN }, /"alpha" = NaN /],
    ['alpha', { alpha: Number.POSITIVE_INFINITY }, /"alpha" = Infinity /],
    ['alpha', { alpha: '0.5' }, /"alpha" = "0\.5" /],
    ['resolution', { resolution: 31 }, /"resolution" = 31 .*integer ≥ 32/],
    ['resolution', { resolution: 224.5 }, /"resolution" = 224\.5 .*integer ≥ 32/],
    ['resolution', { resolution: Number.NaN }, /"resolution" = NaN /],
    ['depthMultiplier', { depthMultiplier: 0 }, /"depthMultiplier" = 0 .*integer ≥ 1/],
    ['depthMultiplier', { depthMultiplier: 1.5 }, /"depthMultiplier" = 1\.5 /],
    ['depthMultiplier', { depthMultiplier: 2, variant: 'fullConv' }, /"depthMultiplier" = 2 .*'fullConv' has no depthwise/],
    ['variant', { variant: 'deep' }, /"variant" = "deep" .*'standard', 'shallow', 'fullConv'/],
    ['includeTop', { includeTop: 'yes' }, /"includeTop" = "yes" .*true or false/],
    ['classes', { classes: 0 }, /"classes" = 0 .*integer ≥ 1/],
    ['classes', { classes: 2.5 }, /"classes" = 2\.5 /],
    ['classes', { classes: 10, includeTop: false }, /"classes" = 10 .*only applies with includeTop: true/],
    ['pooling', { includeTop: false, pooling: 'sum' }, /"pooling" = "sum" .*'avg', 'max'/],
    ['pooling', { pooling: 'avg' }, /"pooling" = "avg" .*only with includeTop: false/],
    ['dropout', { dropout: 1 }, /"dropout" = 1 .*\[0, 1\)/],
    ['dropout', { dropout: -0.1 }, /"dropout" = -0\.1 /],
    ['dropout', { dropout: Number.NaN }, /"dropout" = NaN /],
    ['dropout', { dropout: 0.5, includeTop: false }, /"dropout" = 0\.5 .*only applies to the top/],
    ['activation', { activation: 'sigmoid' }, /"activation" = "sigmoid" .*'relu6', 'relu'/],
    ['taps', { taps: ['conv_pw_14'] }, /"taps" = "conv_pw_14" .*allowed: conv1, conv_dw_1, conv_pw_1, .*conv_pw_13/],
    ['taps', { taps: 'conv_pw_11' }, /"taps" = "conv_pw_11" .*array of layer names/],
    ['taps', { taps: ['conv_pw_7'], variant: 'shallow' }, /"taps" = "conv_pw_7" .*variant 'shallow'.*conv_pw_6, conv_dw_12/],
    ['taps', { taps: ['conv_dw_3'], variant: 'fullConv' }, /"taps" = "conv_dw_3" .*allowed: conv1, conv_1, /],
    ['taps', { taps: ['conv1', 'conv1'] }, /"taps" = \["conv1", "conv1"\] .*listed twice/],
    ['scope', { scope: '/backbone' }, /"scope" = "\/backbone" .*non-empty path segments/],
    ['scope', { scope: 'a//b' }, /"scope" = "a\/\/b" /],
    ['scope', { scope: 3 }, /"scope" = 3 /],
    ['batchNormEpsilon', { batchNormEpsilon: 0 }, /"batchNormEpsilon" = 0 .*positive finite/],
    ['batchNormEpsilon', { batchNormEpsilon: Number.NaN }, /"batchNormEpsilon" = NaN /],
    ['inputName', { inputName: '' }, /"inputName" = "" .*non-empty string/],
    ['inputName', { inputName: 'conv1' }, /"inputName" = "conv1" .*differ from the names of the layers/],
    ['inputName', { inputName: 'backbone/logits', scope: 'backbone' }, /"inputName" = "backbone\/logits" /],
    ['alhpa', { alhpa: 0.5 }, /"alhpa" = 0\.5 .*unknown option; the options are alpha, resolution/],
    ['options', null, /"options" = null .*object of options/],
  ];

  it.each(cases)('%s: %o', (option, options, message) => {
    const attempt = () => mobilenetV1(options as MobileNetV1Options);
    expect(attempt).toThrow(BackboneOptionError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (e) {
      expect((e as BackboneOptionError).option).toBe(option);
    }
  });

  it('accepts undefined as "use the default"', () => {
    expect(resolveMobileNetV1Options({ alpha: undefined, classes: undefined, pooling: undefined })).toEqual(resolveMobileNetV1Options());
  });
});
