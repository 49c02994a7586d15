import { type Graph, GraphBuilder } from '@mobilenet-kit/core';

/**
 * Small graphs, one or two per IR op, that exercise what the lowering has to
 * get right: TF 'same' pads for odd and even sizes at stride 2, depthwise
 * channel order, axes mapped between NHWC and NCHW, values that arrive in
 * either layout, and the ops that need the NHWC order (flatten, reshape,
 * dense on rank 4, softmax).
 */
export function opGraphs(): { name: string; graph: Graph }[] {
  const cases: { name: string; graph: Graph }[] = [];
  const make = (name: string, build: (b: GraphBuilder) => void) => {
    const b = new GraphBuilder(name);
    build(b);
    cases.push({ name, graph: b.build() });
  };
  const conv = (b: GraphBuilder, x: string, name = 'conv', filters = 4) =>
    b.add(name, 'conv2d', [x], { filters, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true });

  for (const [h, w] of [[8, 8], [7, 9]] as const) {
    make(`conv2d k3 s2 same ${h}x${w} +bias +relu6`, (b) => {
      b.output(b.add('y', 'conv2d', [b.input('x', [null, h, w, 3])], { filters: 5, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu6' }));
    });
  }
  make('conv2d k5 s1 valid, k1 s2 same, k3x1 s2x1', (b) => {
    const a = b.add('a', 'conv2d', [b.input('x', [null, 9, 10, 2])], { filters: 3, kernelSize: [5, 5], strides: [1, 1], padding: 'valid' });
    const c = b.add('c', 'conv2d', [a], { filters: 4, kernelSize: [1, 1], strides: [2, 2], padding: 'same', activation: 'relu' });
    b.output(b.add('y', 'conv2d', [c], { filters: 2, kernelSize: [3, 1], strides: [2, 1], padding: 'same', activation: 'sigmoid' }));
  });
  for (const [h, m] of [[8, 2], [9, 1]] as const) {
    make(`depthwiseConv2d k3 s2 same ${h}x${h} m${m} +bias +relu`, (b) => {
      b.output(b.add('y', 'depthwiseConv2d', [b.input('x', [null, h, h, 3])], { kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: m, useBias: true, activation: 'relu' }));
    });
  }
  make('depthwiseConv2d k5 s1 valid m3', (b) => {
    b.output(b.add('y', 'depthwiseConv2d', [b.input('x', [null, 7, 6, 2])], { kernelSize: [5, 5], strides: [1, 1], padding: 'valid', depthMultiplier: 3 }));
  });
  make('batchNorm rank 4, rank 2 and rank 3', (b) => {
    const x = b.input('x', [null, 5, 6, 4]);
    b.output(b.add('bn4', 'batchNorm', [conv(b, x)], { epsilon: 1e-3 }));
    const f = b.add('flat', 'flatten', [x], {});
    b.output(b.add('bn2', 'batchNorm', [f], { epsilon: 1e-3 }));
    const r = b.add('r3', 'reshape', [x], { shape: [30, 4] });
    b.output(b.add('bn3', 'batchNorm', [r], { epsilon: 1e-3 }));
  });
  for (const fn of ['relu', 'relu6', 'sigmoid', 'softmax', 'linear'] as const) {
    make(`activation ${fn} on rank 4 (after a conv) and rank 2`, (b) => {
      const x = b.input('x', [null, 4, 5, 6]);
      b.output(b.add('y4', 'activation', [conv(b, x)], { fn }));
      b.output(b.add('y2', 'activation', [b.add('flat', 'flatten', [x], {})], { fn }));
    });
  }
  for (const op of ['globalAvgPool', 'globalMaxPool'] as const) {
    for (const keepDims of [false, true]) {
      make(`${op}${keepDims ? ' keepDims' : ''}`, (b) => b.output(b.add('y', op, [conv(b, b.input('x', [null, 5, 7, 3]))], { keepDims })));
    }
  }
  for (const op of ['avgPool', 'maxPool'] as const) {
    for (const [p, s, padding, h] of [[3, 2, 'same', 8], [3, 2, 'same', 7], [2, 2, 'valid', 7], [3, 1, 'same', 5]] as const) {
      make(`${op} ${p}x${p} s${s} ${padding} ${h}x${h}`, (b) => b.output(b.add('y', op, [b.input('x', [null, h, h, 3])], { poolSize: [p, p], strides: [s, s], padding })));
    }
  }
  make('dense rank 2 (bias, no bias) and rank 4 (+bias +sigmoid)', (b) => {
    const x = b.input('x', [null, 3, 4, 5]);
    const f = b.add('flat', 'flatten', [x], {});
    b.output(b.add('d1', 'dense', [f], { units: 7, useBias: true, activation: 'relu' }));
    b.output(b.add('d2', 'dense', [f], { units: 3 }));
    b.output(b.add('d4', 'dense', [conv(b, x)], { units: 6, useBias: true, activation: 'sigmoid' }));
  });
  make('dropout', (b) => b.output(b.add('y', 'dropout', [conv(b, b.input('x', [null, 4, 4, 2]))], { rate: 0.5 })));
  make('flatten after a conv (NCHW → NHWC order) and after a 1x1 pool', (b) => {
    const c = conv(b, b.input('x', [null, 3, 5, 4]));
    b.output(b.add('f1', 'flatten', [c], {}));
    b.output(b.add('f2', 'flatten', [b.add('gp', 'globalAvgPool', [c], { keepDims: true })], {}));
  });
  make('reshape after a conv', (b) => {
    const c = conv(b, b.input('x', [null, 3, 5, 4]));
    b.output(b.add('r1', 'reshape', [c], { shape: [-1, 4] }));
    b.output(b.add('r2', 'reshape', [c], { shape: [4, 5, 3] }));
  });
  for (const axis of [1, 2, 3, -1]) {
    make(`concat axis ${axis} of two convs and the input`, (b) => {
      const x = b.input('x', [null, 4, 4, 3]);
      const c1 = conv(b, x, 'c1', 3);
      const c2 = conv(b, x, 'c2', 3);
      b.output(b.add('y', 'concat', [c1, x, c2], { axis }));
    });
  }
  make('concat axis 1 rank 2', (b) => {
    const x = b.input('x', [null, 2, 2, 3]);
    b.output(b.add('y', 'concat', [b.add('f', 'flatten', [x], {}), b.add('g', 'globalMaxPool', [x], {})], { axis: 1 }));
  });
  make('add 2 and 3 inputs, mixing layouts', (b) => {
    const x = b.input('x', [null, 4, 5, 3]);
    const c1 = conv(b, x, 'c1', 3);
    const c2 = conv(b, x, 'c2', 3);
    b.output(b.add('y2', 'add', [c1, x], {}));
    b.output(b.add('y3', 'add', [c1, c2, x], {}));
  });
  make('l2Normalize axis -1 rank 2, axis 3 and axis 1 rank 4', (b) => {
    const x = b.input('x', [null, 3, 4, 5]);
    const c = conv(b, x, 'c', 5);
    b.output(b.add('n2', 'l2Normalize', [b.add('f', 'flatten', [x], {})], { axis: -1, epsilon: 1e-12 }));
    b.output(b.add('n3', 'l2Normalize', [c], { axis: 3, epsilon: 1e-12 }));
    b.output(b.add('n1', 'l2Normalize', [c], { axis: 1, epsilon: 1e-12 }));
    b.output(b.add('floor', 'l2Normalize', [x], { axis: -1, epsilon: 100 }));
  });
  make('input straight to the output', (b) => b.output(b.input('x', [null, 2, 3, 4])));
  return cases;
}
