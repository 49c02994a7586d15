import { describe, expect, it } from 'vitest';
import { OP_NAMES, OPS, samePadding, type OpName } from '../src/index';
import { layerOf } from './helpers';

/**
 * Every op's shape rule, parameters and cost rule on hand-computed cases.
 * Mult-adds are counted as the paper does (section 3.1): conv
 * kh·kw·Cin·Cout·Hout·Wout, depthwise kh·kw·C·m·Hout·Wout, dense in·units,
 * every other op 0.
 */

describe('samePadding (TF-style, extra pad bottom/right)', () => {
  it.each([
    // [in, kernel, stride, expected [before, after]]
    [224, 3, 2, [0, 1]], // total (112-1)·2+3-224 = 1: the odd pixel goes after
    [7, 3, 2, [1, 1]], // total (4-1)·2+3-7 = 2
    [8, 1, 2, [0, 0]], // total (4-1)·2+1-8 = -1 → 0
    [224, 3, 1, [1, 1]],
    [112, 3, 2, [0, 1]],
    [14, 3, 1, [1, 1]],
    [5, 4, 1, [1, 2]], // even kernel: total 3, the extra one after
    [1, 3, 2, [1, 1]], // out 1, total 2
    [6, 5, 3, [1, 1]], // out 2, total (2-1)·3+5-6 = 2
    [9, 2, 2, [0, 1]], // out 5, total 4·2+2-9 = 1
  ] as const)('in %i, kernel %i, stride %i → %j', (size, kernel, stride, expected) => {
    expect(samePadding(size, kernel, stride)).toEqual(expected);
  });

  it('pads exactly enough for ceil(in / stride) outputs, for every small case', () => {
    for (let size = 1; size <= 20; size++) {
      for (let kernel = 1; kernel <= 7; kernel++) {
        for (let stride = 1; stride <= 4; stride++) {
          const [before, after] = samePadding(size, kernel, stride);
          expect(before).toBeGreaterThanOrEqual(0);
          expect(after - before === 0 || after - before === 1).toBe(true);
          const padded = size + before + after;
          const out = padded >= kernel ? Math.floor((padded - kernel) / stride) + 1 : 0;
          expect(out).toBe(Math.ceil(size / stride));
        }
      }
    }
  });
});

describe('input', () => {
  it('outputs its declared shape, costs nothing', () => {
    const l = layerOf('input', { shape: [null, 224, 224, 3] }, []);
    expect(l.outputShape).toEqual([null, 224, 224, 3]);
    expect(l.multAdds).toBe(0);
    expect(l.params).toEqual({ kernel: 0, bias: 0, bn: 0 });
    expect(l.layerType).toBe('other');
  });

  it('keeps a fixed batch size', () => {
    expect(layerOf('input', { shape: [2, 10] }, []).outputShape).toEqual([2, 10]);
  });
});

describe('conv2d', () => {
  it("MobileNet's first layer: 224×224×3, 3×3 stride 2 'same', 32 filters", () => {
    const l = layerOf('conv2d', { filters: 32, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }, [[null, 224, 224, 3]]);
    expect(l.outputShape).toEqual([null, 112, 112, 32]); // ceil(224 / 2)
    expect(l.multAdds).toBe(3 * 3 * 3 * 32 * 112 * 112); // 10,838,016
    expect(l.params).toEqual({ kernel: 3 * 3 * 3 * 32, bias: 0, bn: 0 });
    expect(l.layerType).toBe('conv');
  });

  it("'same' rounds up for odd sizes: 7 stride 2 → 4, 5 stride 3 → 2", () => {
    const l = layerOf('conv2d', { filters: 4, kernelSize: [3, 3], strides: [2, 3], padding: 'same' }, [[null, 7, 5, 2]]);
    expect(l.outputShape).toEqual([null, 4, 2, 4]);
    expect(l.multAdds).toBe(3 * 3 * 2 * 4 * 4 * 2);
  });

  it("'valid' is floor((in − k) / s) + 1, per axis", () => {
    // height: floor((10 − 3) / 2) + 1 = 4; width: floor((7 − 1) / 3) + 1 = 3
    const l = layerOf('conv2d', { filters: 5, kernelSize: [3, 1], strides: [2, 3], padding: 'valid' }, [[1, 10, 7, 2]]);
    expect(l.outputShape).toEqual([1, 4, 3, 5]);
    expect(l.multAdds).toBe(3 * 1 * 2 * 5 * 4 * 3);
    expect(l.params.kernel).toBe(3 * 1 * 2 * 5);
    expect(l.layerType).toBe('conv'); // only 1×1 is pointwise
  });

  it("'valid' with the kernel as large as the input gives 1×1", () => {
    expect(layerOf('conv2d', { filters: 2, kernelSize: [7, 7], strides: [1, 1], padding: 'valid' }, [[null, 7, 7, 3]]).outputShape).toEqual([null, 1, 1, 2]);
  });

  it('a 1×1 conv is pointwise; useBias adds a [filters] bias', () => {
    const l = layerOf('conv2d', { filters: 64, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true }, [[null, 112, 112, 32]]);
    expect(l.outputShape).toEqual([null, 112, 112, 64]);
    expect(l.multAdds).toBe(32 * 64 * 112 * 112);
    expect(l.params).toEqual({ kernel: 32 * 64, bias: 64, bn: 0 });
    expect(l.layerType).toBe('pointwise');
  });

  it('names its parameters after the node, kernel in [kh, kw, in, out] layout', () => {
    const { params } = OPS.conv2d;
    const node = { name: 'block/conv', op: 'conv2d' as const, inputs: ['x'], attrs: { filters: 8, kernelSize: [3, 1] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const, useBias: true } };
    expect(params(node, [[null, 5, 5, 4]])).toEqual([
      { name: 'block/conv/kernel', shape: [3, 1, 4, 8], role: 'kernel' },
      { name: 'block/conv/bias', shape: [8], role: 'bias' },
    ]);
  });
});

describe('depthwiseConv2d', () => {
  it('14×14×512, 3×3 stride 1: the depthwise half of Table 3', () => {
    const l = layerOf('depthwiseConv2d', { kernelSize: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1 }, [[null, 14, 14, 512]]);
    expect(l.outputShape).toEqual([null, 14, 14, 512]);
    expect(l.multAdds).toBe(3 * 3 * 512 * 14 * 14); // 903,168
    expect(l.params).toEqual({ kernel: 3 * 3 * 512, bias: 0, bn: 0 });
    expect(l.layerType).toBe('depthwise');
  });

  it('depth multiplier 2 doubles the channels, the kernel and the mult-adds', () => {
    const l = layerOf('depthwiseConv2d', { kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 2, useBias: true }, [[null, 7, 7, 3]]);
    expect(l.outputShape).toEqual([null, 4, 4, 6]);
    expect(l.multAdds).toBe(3 * 3 * 3 * 2 * 4 * 4);
    expect(l.params).toEqual({ kernel: 3 * 3 * 3 * 2, bias: 6, bn: 0 });
  });

  it("'valid' padding and its parameter names", () => {
    const l = layerOf('depthwiseConv2d', { kernelSize: [3, 3], strides: [2, 2], padding: 'valid', depthMultiplier: 1 }, [[null, 8, 9, 4]]);
    expect(l.outputShape).toEqual([null, 3, 4, 4]); // floor(5/2)+1, floor(6/2)+1
    const node = { name: 'dw', op: 'depthwiseConv2d' as const, inputs: ['x'], attrs: { kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const, depthMultiplier: 2, useBias: true } };
    expect(OPS.depthwiseConv2d.params(node, [[null, 5, 5, 4]])).toEqual([
      { name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2], role: 'kernel' },
      { name: 'dw/bias', shape: [8], role: 'bias' },
    ]);
  });
});

describe('batchNorm', () => {
  it('keeps the shape and owns four [C] tensors counted as bn', () => {
    const l = layerOf('batchNorm', { epsilon: 1e-3 }, [[null, 7, 7, 16]]);
    expect(l.outputShape).toEqual([null, 7, 7, 16]);
    expect(l.multAdds).toBe(0);
    expect(l.params).toEqual({ kernel: 0, bias: 0, bn: 4 * 16 });
    const node = { name: 'bn', op: 'batchNorm' as const, inputs: ['x'], attrs: { epsilon: 1e-3 } };
    expect(OPS.batchNorm.params(node, [[null, 3]]).map((p) => [p.name, p.shape, p.role])).toEqual([
      ['bn/gamma', [3], 'bn'],
      ['bn/beta', [3], 'bn'],
      ['bn/moving_mean', [3], 'bn'],
      ['bn/moving_variance', [3], 'bn'],
    ]);
  });
});

describe('activation', () => {
  it.each(['relu', 'relu6', 'sigmoid', 'softmax', 'linear'] as const)('%s keeps the shape and costs nothing', (fn) => {
    const l = layerOf('activation', { fn }, [[null, 5, 3]]);
    expect(l.outputShape).toEqual([null, 5, 3]);
    expect(l.multAdds).toBe(0);
    expect(l.params).toEqual({ kernel: 0, bias: 0, bn: 0 });
  });
});

describe('global pooling', () => {
  it.each(['globalAvgPool', 'globalMaxPool'] as const)('%s: [N, H, W, C] → [N, C], or [N, 1, 1, C] with keepDims', (op) => {
    expect(layerOf(op, {}, [[null, 7, 7, 1024]]).outputShape).toEqual([null, 1024]);
    expect(layerOf(op, { keepDims: false }, [[3, 7, 5, 8]]).outputShape).toEqual([3, 8]);
    const kept = layerOf(op, { keepDims: true }, [[null, 7, 7, 1024]]);
    expect(kept.outputShape).toEqual([null, 1, 1, 1024]);
    expect(kept.multAdds).toBe(0);
    expect(kept.layerType).toBe('other');
  });
});

describe('window pooling', () => {
  it.each(['avgPool', 'maxPool'] as const)("%s: 'valid' and 'same', channels kept, no cost", (op) => {
    const valid = layerOf(op, { poolSize: [7, 7], strides: [1, 1], padding: 'valid' }, [[null, 7, 7, 1024]]);
    expect(valid.outputShape).toEqual([null, 1, 1, 1024]);
    expect(valid.multAdds).toBe(0);
    expect(valid.params).toEqual({ kernel: 0, bias: 0, bn: 0 });
    expect(layerOf(op, { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, [[null, 5, 8, 3]]).outputShape).toEqual([null, 2, 4, 3]);
    expect(layerOf(op, { poolSize: [3, 3], strides: [2, 2], padding: 'same' }, [[null, 5, 8, 3]]).outputShape).toEqual([null, 3, 4, 3]);
  });
});

describe('dense', () => {
  it("MobileNet's classifier: 1024 → 1000 is 1,024,000 mult-adds", () => {
    const l = layerOf('dense', { units: 1000 }, [[null, 1024]]);
    expect(l.outputShape).toEqual([null, 1000]);
    expect(l.multAdds).toBe(1024 * 1000);
    expect(l.params).toEqual({ kernel: 1024 * 1000, bias: 0, bn: 0 });
    expect(l.layerType).toBe('dense');
  });

  it('useBias adds [units]; the kernel is [in, units]', () => {
    const l = layerOf('dense', { units: 10, useBias: true }, [[null, 7]]);
    expect(l.params).toEqual({ kernel: 70, bias: 10, bn: 0 });
    const node = { name: 'fc', op: 'dense' as const, inputs: ['x'], attrs: { units: 10, useBias: true } };
    expect(OPS.dense.params(node, [[null, 7]])).toEqual([
      { name: 'fc/kernel', shape: [7, 10], role: 'kernel' },
      { name: 'fc/bias', shape: [10], role: 'bias' },
    ]);
  });

  it('on a rank-3 input, acts on the last axis at every position', () => {
    const l = layerOf('dense', { units: 3 }, [[null, 5, 8]]);
    expect(l.outputShape).toEqual([null, 5, 3]);
    expect(l.multAdds).toBe(5 * 8 * 3);
    expect(l.params.kernel).toBe(8 * 3);
  });
});

describe('dropout', () => {
  it('is the identity on shapes and costs nothing', () => {
    const l = layerOf('dropout', { rate: 0.001 }, [[null, 1, 1, 1024]]);
    expect(l.outputShape).toEqual([null, 1, 1, 1024]);
    expect(l.multAdds).toBe(0);
    expect(l.params).toEqual({ kernel: 0, bias: 0, bn: 0 });
  });
});

describe('flatten', () => {
  it('[N, 2, 3, 4] → [N, 24]', () => {
    expect(layerOf('flatten', {}, [[null, 2, 3, 4]]).outputShape).toEqual([null, 24]);
    expect(layerOf('flatten', {}, [[5, 1, 1, 1024]]).outputShape).toEqual([5, 1024]);
  });
});

describe('reshape', () => {
  it('to a given shape and with one inferred -1', () => {
    expect(layerOf('reshape', { shape: [2, 3, 4] }, [[null, 24]]).outputShape).toEqual([null, 2, 3, 4]);
    expect(layerOf('reshape', { shape: [2, -1, 4] }, [[null, 24]]).outputShape).toEqual([null, 2, 3, 4]);
    expect(layerOf('reshape', { shape: [-1] }, [[null, 1, 1, 1024]]).outputShape).toEqual([null, 1024]);
    // The SSD box predictor: [N, 19, 19, 3·4] → [N, 19·19·3, 4]
    expect(layerOf('reshape', { shape: [-1, 4] }, [[null, 19, 19, 12]]).outputShape).toEqual([null, 1083, 4]);
    expect(layerOf('reshape', { shape: [6] }, [[null, 6]]).multAdds).toBe(0);
  });
});

describe('concat', () => {
  it('along the channels (axis -1 or 3) sums them', () => {
    expect(layerOf('concat', { axis: -1 }, [[null, 4, 4, 3], [null, 4, 4, 5]]).outputShape).toEqual([null, 4, 4, 8]);
    expect(layerOf('concat', { axis: 3 }, [[null, 4, 4, 3], [null, 4, 4, 5], [null, 4, 4, 1]]).outputShape).toEqual([null, 4, 4, 9]);
  });

  it('along another axis, as the SSD head joins its box predictions', () => {
    expect(layerOf('concat', { axis: 1 }, [[null, 1083, 4], [null, 600, 4]]).outputShape).toEqual([null, 1683, 4]);
    expect(layerOf('concat', { axis: -2 }, [[null, 2, 3, 4], [null, 2, 5, 4]]).outputShape).toEqual([null, 2, 8, 4]);
  });
});

describe('add', () => {
  it('keeps the common shape of two or more inputs', () => {
    const l = layerOf('add', {}, [[null, 4, 4, 3], [null, 4, 4, 3], [null, 4, 4, 3]]);
    expect(l.outputShape).toEqual([null, 4, 4, 3]);
    expect(l.multAdds).toBe(0);
    expect(l.params).toEqual({ kernel: 0, bias: 0, bn: 0 });
  });
});

describe('l2Normalize', () => {
  it('keeps the shape, along the last or another non-batch axis', () => {
    expect(layerOf('l2Normalize', { axis: -1, epsilon: 1e-12 }, [[null, 128]]).outputShape).toEqual([null, 128]);
    expect(layerOf('l2Normalize', { axis: 1, epsilon: 1e-12 }, [[null, 3, 4]]).outputShape).toEqual([null, 3, 4]);
    expect(layerOf('l2Normalize', { axis: 1, epsilon: 1e-12 }, [[null, 3, 4]]).multAdds).toBe(0);
  });
});

describe('the op table', () => {
  it('defines every op of the IR, each under its own name', () => {
    const expected: OpName[] = [
      'input', 'conv2d', 'depthwiseConv2d', 'batchNorm', 'activation', 'globalAvgPool', 'globalMaxPool',
      'avgPool', 'maxPool', 'dense', 'dropout', 'flatten', 'reshape', 'concat', 'add', 'l2Normalize',
    ];
    expect([...OP_NAMES].sort()).toEqual([...expected].sort());
    for (const name of OP_NAMES) expect(OPS[name].name).toBe(name);
  });

  it('counts mult-adds only for conv, depthwise and dense', () => {
    const zeroCost: [OpName, object, number[][]][] = [
      ['batchNorm', { epsilon: 1e-3 }, [[1, 4, 4, 2]]],
      ['activation', { fn: 'relu' }, [[1, 4, 4, 2]]],
      ['globalAvgPool', {}, [[1, 4, 4, 2]]],
      ['globalMaxPool', {}, [[1, 4, 4, 2]]],
      ['avgPool', { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, [[1, 4, 4, 2]]],
      ['maxPool', { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, [[1, 4, 4, 2]]],
      ['dropout', { rate: 0.5 }, [[1, 4, 4, 2]]],
      ['flatten', {}, [[1, 4, 4, 2]]],
      ['reshape', { shape: [-1] }, [[1, 4, 4, 2]]],
      ['concat', { axis: -1 }, [[1, 4, 4, 2], [1, 4, 4, 2]]],
      ['add', {}, [[1, 4, 4, 2], [1, 4, 4, 2]]],
      ['l2Normalize', { axis: -1, epsilon: 1e-12 }, [[1, 4, 4, 2]]],
    ];
    for (const [op, attrs, inputs] of zeroCost) {
      const l = layerOf(op, attrs as never, inputs);
      expect({ op, multAdds: l.multAdds, layerType: l.layerType }).toEqual({ op, multAdds: 0, layerType: 'other' });
    }
  });
});
