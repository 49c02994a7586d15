import { type FusableActivation, GraphBuilder, type Weights } from '@mobilenet-kit/core';
import { describe, expect, it } from 'vitest';
import { host, tf, testBackend, weight } from './helpers/setup';

/** Compiles and runs a one-output graph, returning the output. */
async function runOne(graph: ReturnType<GraphBuilder['build']>, weights: Weights, input: Record<string, ReturnType<typeof host>>, fused = true) {
  const model = await testBackend.compile(graph, weights, { optimize: false, backendOptions: { fused } });
  try {
    const out = await model.run(input);
    return out[graph.outputs[0]!.name]!;
  } finally {
    model.dispose();
  }
}

const seq16 = Array.from({ length: 16 }, (_, i) => i + 1);

describe.each([true, false])('tfjs lowerings (fused kernels: %s)', (fused) => {
  it('conv2d: TF "same" padding at stride 2 puts the odd pixel after (bottom/right)', async () => {
    const b = new GraphBuilder('conv');
    b.output(b.add('conv', 'conv2d', [b.input('x', [null, 4, 4, 1])], { filters: 1, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }));
    const out = await runOne(b.build(), new Map([['conv/kernel', weight([3, 3, 1, 1], Array(9).fill(1))]]), { x: host([1, 4, 4, 1], seq16) }, fused);
    // Windows rows 0-2 / 2-3, cols 0-2 / 2-3 of 1..16 (pad after): 1+2+3+5+6+7+9+10+11 = 54, 3+4+7+8+11+12 = 45, …
    expect(out.shape).toEqual([1, 2, 2, 1]);
    expect([...out.data]).toEqual([54, 45, 72, 54]);
  });

  it.each<[FusableActivation, number[]]>([
    ['relu', [4, 0, 22, 4]],
    ['relu6', [4, 0, 6, 4]],
    ['linear', [4, -5, 22, 4]],
  ])('conv2d with bias and fused %s', async (activation, expected) => {
    const b = new GraphBuilder('conv');
    b.output(b.add('conv', 'conv2d', [b.input('x', [null, 4, 4, 1])], { filters: 1, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation }));
    const w = new Map([
      ['conv/kernel', weight([3, 3, 1, 1], Array(9).fill(1))],
      ['conv/bias', weight([1], [-50])],
    ]);
    const out = await runOne(b.build(), w, { x: host([1, 4, 4, 1], seq16) }, fused);
    expect([...out.data]).toEqual(expected);
  });

  it('conv2d sigmoid', async () => {
    const b = new GraphBuilder('conv');
    b.output(b.add('conv', 'conv2d', [b.input('x', [null, 1, 1, 2])], { filters: 1, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'sigmoid' }));
    const out = await runOne(b.build(), new Map([['conv/kernel', weight([1, 1, 2, 1], [1, -1])]]), { x: host([1, 1, 1, 2], [3, 1]) }, fused);
    expect(out.data[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });

  it('depthwiseConv2d: multiplier 2 gives output channel c·m + j, with bias and relu', async () => {
    const b = new GraphBuilder('dw');
    b.output(
      b.add('dw', 'depthwiseConv2d', [b.input('x', [null, 1, 2, 2])], {
        kernelSize: [1, 1],
        strides: [1, 1],
        padding: 'same',
        depthMultiplier: 2,
        useBias: true,
        activation: 'relu',
      }),
    );
    const w = new Map([
      // k[c][j]: channel 0 → (2, -1), channel 1 → (10, 100)
      ['dw/depthwise_kernel', weight([1, 1, 2, 2], [2, -1, 10, 100])],
      ['dw/bias', weight([4], [0, 0, 1, -150])],
    ]);
    // pixels (x0, x1) = (1, 2) and (3, -1)
    const out = await runOne(b.build(), w, { x: host([1, 1, 2, 2], [1, 2, 3, -1]) }, fused);
    expect(out.shape).toEqual([1, 1, 2, 4]);
    // pixel 0: [2·1, -1·1, 10·2+1, 100·2-150] = [2, 0 (relu), 21, 50]; pixel 1: [6, 0, 0 (−9), 0 (−250)]
    expect([...out.data]).toEqual([2, 0, 21, 50, 6, 0, 0, 0]);
  });

  it('depthwiseConv2d 3×3 stride 2 "same" on an even input', async () => {
    const b = new GraphBuilder('dw');
    b.output(b.add('dw', 'depthwiseConv2d', [b.input('x', [null, 4, 4, 1])], { kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 1 }));
    const out = await runOne(b.build(), new Map([['dw/depthwise_kernel', weight([3, 3, 1, 1], Array(9).fill(1))]]), { x: host([1, 4, 4, 1], seq16) }, fused);
    expect([...out.data]).toEqual([54, 45, 72, 54]);
  });

  it('dense on rank 2 and on rank 3 (last axis), with bias and relu6', async () => {
    for (const shape of [[null, 3], [null, 2, 3]] as const) {
      const b = new GraphBuilder('fc');
      b.output(b.add('fc', 'dense', [b.input('x', shape)], { units: 2, useBias: true, activation: 'relu6' }));
      const w = new Map([
        ['fc/kernel', weight([3, 2], [1, 2, 3, 4, 5, 6])],
        ['fc/bias', weight([2], [0.5, -20])],
      ]);
      const rows = shape.length === 2 ? [[1, 0, -1]] : [[1, 0, -1], [1, 1, 1]];
      const out = await runOne(b.build(), w, { x: host(shape.length === 2 ? [1, 3] : [1, 2, 3], rows.flat()) }, fused);
      // [1,0,-1]·K = [1-5, 2-6] = [-4, -4] → + bias [-3.5, -24] → relu6 → [0, 0]; [1,1,1]·K = [9, 12] → [9.5, -8] → [6, 0]
      expect(out.shape).toEqual(shape.length === 2 ? [1, 2] : [1, 2, 2]);
      expect([...out.data]).toEqual(shape.length === 2 ? [0, 0] : [0, 0, 6, 0]);
    }
  });
});

describe('tfjs lowerings of parameter-free and normalizing ops', () => {
  it('batchNorm uses the moving statistics: (x − μ)/√(σ² + ε)·γ + β', async () => {
    const b = new GraphBuilder('bn');
    b.output(b.add('bn', 'batchNorm', [b.input('x', [null, 2])], { epsilon: 1e-3 }));
    const w = new Map([
      ['bn/gamma', weight([2], [2, 0.5])],
      ['bn/beta', weight([2], [1, -1])],
      ['bn/moving_mean', weight([2], [3, 0])],
      ['bn/moving_variance', weight([2], [4 - 1e-3, 0.25 - 1e-3])],
    ]);
    const out = await runOne(b.build(), w, { x: host([2, 2], [5, 1, 3, -1]) });
    // ch0: (5−3)/2·2+1 = 3, (3−3)/2·2+1 = 1; ch1: 1/0.5·0.5−1 = 0, −1/0.5·0.5−1 = −2
    expect(Array.from(out.data, (v) => Number(v.toFixed(5)))).toEqual([3, 0, 1, -2]);
  });

  it('activations: relu6 clips, softmax is over the last axis', async () => {
    const b = new GraphBuilder('act');
    const x = b.input('x', [null, 3]);
    b.output(b.add('r6', 'activation', [x], { fn: 'relu6' })).output(b.add('sm', 'activation', [x], { fn: 'softmax' }));
    const model = await testBackend.compile(b.build(), new Map(), { optimize: false });
    const out = await model.run({ x: host([2, 3], [-1, 3, 9, 0, 0, Math.log(2)]) });
    model.dispose();
    expect([...out.r6!.data]).toEqual([0, 3, 6, 0, 0, Math.fround(Math.log(2))]);
    const sm = [...out.sm!.data];
    expect(sm.slice(3)).toEqual([0.25, 0.25, 0.5].map((v) => expect.closeTo(v, 6)));
    expect(sm[0]! + sm[1]! + sm[2]!).toBeCloseTo(1, 6);
  });

  it('global pools over height and width, with and without keepDims', async () => {
    const b = new GraphBuilder('gp');
    const x = b.input('x', [null, 2, 2, 2]);
    b.output(b.add('avg', 'globalAvgPool', [x], {})).output(b.add('max', 'globalMaxPool', [x], { keepDims: true }));
    const model = await testBackend.compile(b.build(), new Map(), { optimize: false });
    const out = await model.run({ x: host([1, 2, 2, 2], [1, 10, 2, 20, 3, 30, 6, 0]) });
    model.dispose();
    expect(out.avg).toEqual({ shape: [1, 2], data: Float32Array.from([3, 15]) });
    expect(out.max).toEqual({ shape: [1, 1, 1, 2], data: Float32Array.from([6, 30]) });
  });

  it('avgPool "same" averages the valid pixels only; maxPool', async () => {
    const b = new GraphBuilder('pool');
    const x = b.input('x', [null, 3, 3, 1]);
    const win = { poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], padding: 'same' as const };
    b.output(b.add('avg', 'avgPool', [x], win)).output(b.add('max', 'maxPool', [x], win));
    const model = await testBackend.compile(b.build(), new Map(), { optimize: false });
    const out = await model.run({ x: host([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    model.dispose();
    // windows {1,2,4,5} {3,6} {7,8} {9}
    expect([...out.avg!.data]).toEqual([3, 4.5, 7.5, 9]);
    expect([...out.max!.data]).toEqual([5, 6, 8, 9]);
  });

  it('flatten and reshape keep the actual batch; concat on the last axis; add of three', async () => {
    const b = new GraphBuilder('shape');
    const x = b.input('x', [null, 2, 1, 2]);
    const flat = b.add('flat', 'flatten', [x], {});
    const re = b.add('re', 'reshape', [x], { shape: [-1, 2] });
    b.output(flat).output(re).output(b.add('cat', 'concat', [flat, flat], { axis: -1 })).output(b.add('sum', 'add', [flat, flat, flat], {}));
    const model = await testBackend.compile(b.build(), new Map(), { optimize: false });
    const out = await model.run({ x: host([2, 2, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8]) });
    model.dispose();
    expect(out.flat!.shape).toEqual([2, 4]);
    expect(out.re!.shape).toEqual([2, 2, 2]);
    expect(out.cat!.shape).toEqual([2, 8]);
    expect([...out.cat!.data.slice(0, 8)]).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect([...out.sum!.data]).toEqual([3, 6, 9, 12, 15, 18, 21, 24]);
  });

  it('l2Normalize: x / √max(Σx², ε) along the axis', async () => {
    const b = new GraphBuilder('l2');
    b.output(b.add('l2', 'l2Normalize', [b.input('x', [null, 2])], { axis: -1, epsilon: 1e-10 }));
    const model = await testBackend.compile(b.build(), new Map(), { optimize: false });
    const out = await model.run({ x: host([2, 2], [3, 4, 0, 0]) });
    model.dispose();
    expect([...out.l2!.data].map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.8, 0, 0]);
  });

  it('dropout is the identity at inference, and a graph output that is an input does not hand back the caller tensor', async () => {
    const b = new GraphBuilder('drop');
    b.output(b.add('drop', 'dropout', [b.input('x', [null, 3])], { rate: 0.5 }));
    const model = await testBackend.compile(b.build(), new Map(), { optimize: false });
    const x = tf.tensor2d([[1, 2, 3]]);
    const out = await model.run({ x });
    expect([...out.drop!.data]).toEqual([1, 2, 3]);
    expect(x.isDisposed).toBe(false);
    x.dispose();
    model.dispose();
  });
});
