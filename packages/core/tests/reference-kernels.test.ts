import { describe, expect, it } from 'vitest';
import { GraphBuilder, type HostTensor, type OpAttrs, type OpName, type WeightTensor } from '../src/index';
import { runReference } from '../src/reference';

/** Runs one op `y` on inputs of the given shapes (batch included) with explicit weights; returns `y`. */
function run<K extends OpName>(op: K, attrs: OpAttrs[K], inputs: HostTensor[], params: Record<string, number[]> = {}): HostTensor {
  const b = new GraphBuilder(`hand_${op}`);
  const names = inputs.map((t, i) => b.input(`x${i}`, [null, ...t.shape.slice(1)]));
  b.output(b.add('y', op, names, attrs), 'y');
  const graph = b.build();
  const weights = new Map<string, WeightTensor>();
  for (const spec of b.paramsOf('y')) {
    const short = spec.name.slice('y/'.length);
    const values = params[short];
    if (!values) throw new Error(`test: no values for ${spec.name}`);
    weights.set(spec.name, { shape: [...spec.shape], data: Float32Array.from(values) });
  }
  const values = Object.fromEntries(inputs.map((t, i) => [`x${i}`, t]));
  return runReference(graph, weights, values).y!;
}

const t = (shape: number[], data: number[]): HostTensor => ({ shape, data: Float32Array.from(data) });
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
const close = (actual: HostTensor, shape: number[], data: number[], digits = 6) => {
  expect(actual.shape).toEqual(shape);
  expect(actual.data.length).toBe(data.length);
  data.forEach((v, i) => expect(actual.data[i], `index ${i}`).toBeCloseTo(v, digits));
};

describe('reference conv2d', () => {
  it("'same' stride 2 on an even input pads only bottom/right (TF)", () => {
    // 4×4 input 1…16, 3×3 kernel of ones: windows cover rows/cols {0,1,2} and {2,3,pad}.
    const y = run('conv2d', { filters: 1, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }, [t([1, 4, 4, 1], range(16))], { kernel: new Array(9).fill(1) });
    // 1+2+3+5+6+7+9+10+11, 3+4+7+8+11+12, 9+10+11+13+14+15, 11+12+15+16 (a symmetric pad would give 14 first).
    close(y, [1, 2, 2, 1], [54, 45, 72, 54]);
  });

  it("'same' stride 1 keeps the size and pads one pixel each side for 3×3", () => {
    const y = run('conv2d', { filters: 1, kernelSize: [3, 3], strides: [1, 1], padding: 'same' }, [t([1, 3, 3, 1], new Array(9).fill(1))], { kernel: new Array(9).fill(1) });
    close(y, [1, 3, 3, 1], [4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  it("'valid' reads the kernel as [kh, kw, in, out]", () => {
    // One 1 at ky = 0, kx = 2: out[y, x] = in[y, x + 2].
    const kernel = new Array(9).fill(0);
    kernel[2] = 1;
    const y = run('conv2d', { filters: 1, kernelSize: [3, 3], strides: [1, 1], padding: 'valid' }, [t([1, 3, 4, 1], range(12))], { kernel });
    close(y, [1, 1, 2, 1], [3, 4]);
  });

  it('1×1 mixes channels as x · K[in, out], then bias and fused relu / relu6', () => {
    const x = t([1, 1, 1, 2], [1, 2]);
    const kernel = [1, 2, 3, 4]; // [[1, 2], [3, 4]]: in 0 → (1, 2), in 1 → (3, 4)
    const attrs = { filters: 2, kernelSize: [1, 1] as [number, number], strides: [1, 1] as [number, number], padding: 'valid' as const };
    close(run('conv2d', attrs, [x], { kernel }), [1, 1, 1, 2], [7, 10]);
    close(run('conv2d', { ...attrs, useBias: true, activation: 'relu' }, [x], { kernel, bias: [0.5, -20] }), [1, 1, 1, 2], [7.5, 0]);
    close(run('conv2d', { ...attrs, useBias: true, activation: 'relu6' }, [x], { kernel, bias: [0.5, -20] }), [1, 1, 1, 2], [6, 0]);
    close(run('conv2d', { ...attrs, useBias: true, activation: 'sigmoid' }, [x], { kernel, bias: [-7, -10] }), [1, 1, 1, 2], [0.5, 0.5]);
  });

  it('each batch example is convolved on its own', () => {
    const attrs = { filters: 1, kernelSize: [3, 3] as [number, number], strides: [2, 2] as [number, number], padding: 'same' as const };
    const y = run('conv2d', attrs, [t([2, 4, 4, 1], [...range(16), ...range(16).map((v) => -v)])], { kernel: new Array(9).fill(1) });
    close(y, [2, 2, 2, 1], [54, 45, 72, 54, -54, -45, -72, -54]);
  });
});

describe('reference depthwiseConv2d', () => {
  it('depth multiplier 2: input channel c, filter j lands in output channel c·2 + j', () => {
    // Kernel [1, 1, 2, 2]: channel 0 → (2, 3), channel 1 → (5, 7).
    const y = run('depthwiseConv2d', { kernelSize: [1, 1], strides: [1, 1], padding: 'valid', depthMultiplier: 2 }, [t([1, 1, 1, 2], [1, 10])], { depthwise_kernel: [2, 3, 5, 7] });
    close(y, [1, 1, 1, 4], [2, 3, 50, 70]);
  });

  it("'same' stride 2 filters each channel with its own kernel and pads bottom/right", () => {
    const x: number[] = [];
    for (const v of range(16)) x.push(v, -v);
    // Channel 0: ones; channel 1: twos.
    const kernel: number[] = [];
    for (let i = 0; i < 9; i++) kernel.push(1, 2);
    const y = run('depthwiseConv2d', { kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 1 }, [t([1, 4, 4, 2], x)], { depthwise_kernel: kernel });
    close(y, [1, 2, 2, 2], [54, -108, 45, -90, 72, -144, 54, -108]);
  });

  it('fused bias and relu6', () => {
    const y = run(
      'depthwiseConv2d',
      { kernelSize: [1, 1], strides: [1, 1], padding: 'valid', depthMultiplier: 2, useBias: true, activation: 'relu6' },
      [t([1, 1, 1, 2], [1, 10])],
      { depthwise_kernel: [2, 3, 5, 7], bias: [1, -4, -60, 0] },
    );
    close(y, [1, 1, 1, 4], [3, 0, 0, 6]);
  });
});

describe('reference batchNorm', () => {
  it('γ·(x − μ)/√(σ² + ε) + β per channel', () => {
    const y = run('batchNorm', { epsilon: 1 }, [t([1, 1, 2, 2], [1, 2, 5, -1])], { gamma: [2, 1], beta: [0.5, 0], moving_mean: [1, 0], moving_variance: [3, 0] });
    // Channel 0: √(3 + 1) = 2; channel 1: √(0 + 1) = 1.
    close(y, [1, 1, 2, 2], [0.5, 2, 4.5, -1]);
  });
});

describe('reference activation', () => {
  it('relu, relu6, sigmoid and linear elementwise', () => {
    close(run('activation', { fn: 'relu' }, [t([1, 3], [-1, 0, 2])]), [1, 3], [0, 0, 2]);
    close(run('activation', { fn: 'relu6' }, [t([1, 3], [-1, 3, 7])]), [1, 3], [0, 3, 6]);
    close(run('activation', { fn: 'sigmoid' }, [t([1, 3], [0, Math.log(3), -Math.log(3)])]), [1, 3], [0.5, 0.75, 0.25]);
    close(run('activation', { fn: 'linear' }, [t([1, 3], [-1.5, 0, 2])]), [1, 3], [-1.5, 0, 2]);
  });

  it('softmax over the last axis', () => {
    const s = Math.exp(1) + Math.exp(2) + Math.exp(3);
    close(run('activation', { fn: 'softmax' }, [t([2, 3], [1, 2, 3, 0, 0, 0])]), [2, 3], [Math.exp(1) / s, Math.exp(2) / s, Math.exp(3) / s, 1 / 3, 1 / 3, 1 / 3]);
  });

  it('softmax is stable for logits far beyond exp overflow', () => {
    const y = run('activation', { fn: 'softmax' }, [t([3, 2], [1000, 1000, 1000, 0, -1000, -1000])]);
    expect([...y.data].every(Number.isFinite)).toBe(true);
    close(y, [3, 2], [0.5, 0.5, 1, 0, 0.5, 0.5]);
  });
});

describe('reference pools', () => {
  const x3 = t([1, 3, 3, 1], range(9));

  it('globalAvgPool and globalMaxPool, with and without keepDims', () => {
    const x = t([2, 2, 2, 1], [1, 2, 3, 4, -1, -2, -3, -4]);
    close(run('globalAvgPool', {}, [x]), [2, 1], [2.5, -2.5]);
    close(run('globalAvgPool', { keepDims: true }, [x]), [2, 1, 1, 1], [2.5, -2.5]);
    close(run('globalMaxPool', {}, [x]), [2, 1], [4, -1]);
    close(run('globalMaxPool', { keepDims: true }, [x]), [2, 1, 1, 1], [4, -1]);
  });

  it("avgPool 'same' averages border windows over the valid pixels only (TF)", () => {
    // Counting the padding as zeros would give 12/9 in the corner.
    const y = run('avgPool', { poolSize: [3, 3], strides: [1, 1], padding: 'same' }, [x3]);
    close(y, [1, 3, 3, 1], [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
  });

  it("avgPool 'same' stride 2 on an odd input: the extra window column and row fall bottom/right", () => {
    const y = run('avgPool', { poolSize: [2, 2], strides: [2, 2], padding: 'same' }, [x3]);
    close(y, [1, 2, 2, 1], [3, 4.5, 7.5, 9]);
  });

  it("avgPool 'valid'", () => {
    close(run('avgPool', { poolSize: [2, 2], strides: [1, 1], padding: 'valid' }, [x3]), [1, 2, 2, 1], [3, 4, 6, 7]);
  });

  it("maxPool: 'same' padding never wins, 'valid' slides", () => {
    const neg = t([1, 3, 3, 1], range(9).map((v) => -v));
    close(run('maxPool', { poolSize: [2, 2], strides: [2, 2], padding: 'same' }, [neg]), [1, 2, 2, 1], [-1, -3, -7, -9]);
    close(run('maxPool', { poolSize: [2, 2], strides: [1, 1], padding: 'valid' }, [x3]), [1, 2, 2, 1], [5, 6, 8, 9]);
  });
});

describe('reference dense', () => {
  const kernel = [1, 0, 0, 1, 1, 1]; // [3, 2]

  it('x · K on the last axis, then bias and activation', () => {
    close(run('dense', { units: 2 }, [t([1, 3], [1, 2, 3])], { kernel }), [1, 2], [4, 5]);
    close(run('dense', { units: 2, useBias: true, activation: 'relu' }, [t([1, 3], [1, 2, 3])], { kernel, bias: [1, -10] }), [1, 2], [5, 0]);
  });

  it('on a rank-4 input, every position gets its own product', () => {
    close(run('dense', { units: 2 }, [t([1, 1, 2, 3], [1, 2, 3, -1, 0, 1])], { kernel }), [1, 1, 2, 2], [4, 5, 0, 1]);
  });
});

describe('reference shape ops', () => {
  const x = t([2, 1, 2, 2], range(8));

  it('dropout is the identity', () => {
    close(run('dropout', { rate: 0.5 }, [x]), [2, 1, 2, 2], range(8));
  });

  it('flatten and reshape keep row-major order', () => {
    close(run('flatten', {} as Record<string, never>, [x]), [2, 4], range(8));
    close(run('reshape', { shape: [-1, 2] }, [x]), [2, 2, 2], range(8));
    close(run('reshape', { shape: [4, 1] }, [x]), [2, 4, 1], range(8));
  });

  it('concat along axis 1, axis 3 and axis -1, per batch example', () => {
    close(run('concat', { axis: 1 }, [t([2, 1, 1, 1], [1, 2]), t([2, 2, 1, 1], [3, 4, 5, 6])]), [2, 3, 1, 1], [1, 3, 4, 2, 5, 6]);
    close(run('concat', { axis: 3 }, [t([1, 1, 2, 1], [1, 2]), t([1, 1, 2, 2], [3, 4, 5, 6])]), [1, 1, 2, 3], [1, 3, 4, 2, 5, 6]);
    close(run('concat', { axis: -1 }, [t([1, 2], [1, 2]), t([1, 1], [3]), t([1, 2], [4, 5])]), [1, 5], [1, 2, 3, 4, 5]);
    close(run('concat', { axis: 2 }, [t([1, 2, 1, 1], [1, 2]), t([1, 2, 1, 1], [3, 4])]), [1, 2, 2, 1], [1, 3, 2, 4]);
  });

  it('add sums any number of inputs', () => {
    close(run('add', {} as Record<string, never>, [t([1, 2], [1, 2]), t([1, 2], [10, 20]), t([1, 2], [100, 200])]), [1, 2], [111, 222]);
  });
});

describe('reference l2Normalize', () => {
  it('x / √(Σx²) along the last axis', () => {
    close(run('l2Normalize', { axis: -1, epsilon: 1e-12 }, [t([2, 2], [3, 4, 0, 5])]), [2, 2], [0.6, 0.8, 0, 1]);
  });

  it('the sum is floored at ε', () => {
    // Σx² = 2.5e-5 < ε = 1e-4, so the divisor is √ε = 0.01.
    close(run('l2Normalize', { axis: 1, epsilon: 1e-4 }, [t([1, 2], [0.003, 0.004])]), [1, 2], [0.3, 0.4]);
  });

  it('along a middle axis', () => {
    // x[0, :, 0, 0] = (3, 4), x[0, :, 0, 1] = (1, 1).
    close(run('l2Normalize', { axis: 1, epsilon: 1e-12 }, [t([1, 2, 1, 2], [3, 1, 4, 1])]), [1, 2, 1, 2], [0.6, Math.SQRT1_2, 0.8, Math.SQRT1_2]);
  });
});
