import type { HostTensor } from '../backend';
import { GraphBuilder } from '../graph-builder';
import type { ActivationName, FusableActivation, OpAttrs, OpName, Padding } from '../types';
import type { Fixture } from './check';
import type { OpCaseSpec } from './case-spec';
import { createPrng, type Prng, seedFor } from './prng';
import { randomTensor, randomWeights } from './random-tensors';

type Parity = 'odd' | 'even';

/** A spatial size in [5, 12] with the given parity (5 keeps 5×5 'valid' windows possible). */
function spatialSize(prng: Prng, parity: Parity): number {
  const n = prng.int(5, 12);
  return (n % 2 === 1) === (parity === 'odd') ? n : n + 1;
}

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * A graph of one op node `y` over inputs `x` (or `x0`, `x1`, … when several)
 * with concrete shapes (batch included), random weights and inputs uniform
 * in `range`.
 */
function singleOp<K extends OpName>(op: K, attrs: OpAttrs[K], shapes: readonly (readonly number[])[], range: [number, number] = [-1, 1]) {
  return (prng: Prng): Fixture => {
    const b = new GraphBuilder(`conformance_${op}`);
    const names = shapes.map((s, i) => b.input(shapes.length === 1 ? 'x' : `x${i}`, [null, ...s.slice(1)]));
    b.output(b.add('y', op, names, attrs), 'y');
    const graph = b.build();
    const inputs: Record<string, HostTensor> = {};
    names.forEach((name, i) => {
      inputs[name] = randomTensor(shapes[i]!, prng, range[0], range[1]);
    });
    return { graph, weights: randomWeights(graph, prng), inputs };
  };
}

/** The op cases: every op of the IR over seeded random shapes. */
export function opCaseSpecs(seed: number): OpCaseSpec[] {
  const specs: OpCaseSpec[] = [];
  // Shapes come from a stream per case key, so a case has the same shapes in the quick and the full list.
  const shapes = (key: string) => createPrng(seedFor(seed, `shapes:${key}`));
  const add = (name: string, quick: boolean, build: OpCaseSpec['build']) => specs.push({ name, quick, build });
  const paddings: Padding[] = ['same', 'valid'];
  const parities: Parity[] = ['odd', 'even'];

  // conv2d: kernel 1, 3, 5 × stride 1, 2 × both paddings × odd and even inputs.
  for (const k of [1, 3, 5]) {
    for (const s of [1, 2]) {
      for (const padding of paddings) {
        for (const parity of parities) {
          const r = shapes(`conv2d/${k}/${s}/${padding}/${parity}`);
          const shape = [r.int(1, 2), spatialSize(r, parity), spatialSize(r, parity), r.int(1, 6)];
          const filters = r.int(1, 8);
          add(`conv2d k${k}x${k} s${s} ${padding} ${parity} ${fmt(shape)}->${filters}`, k === 3, singleOp('conv2d', { filters, kernelSize: [k, k], strides: [s, s], padding }, [shape]));
        }
      }
    }
  }
  {
    const r = shapes('conv2d/3x1');
    const shape = [2, spatialSize(r, 'even'), spatialSize(r, 'odd'), r.int(2, 5)];
    add(`conv2d k3x1 s2x1 same ${fmt(shape)}->4`, true, singleOp('conv2d', { filters: 4, kernelSize: [3, 1], strides: [2, 1], padding: 'same' }, [shape]));
  }
  const fused: FusableActivation[] = ['linear', 'relu', 'relu6', 'sigmoid'];
  for (const activation of fused) {
    const r = shapes(`conv2d/fused/${activation}`);
    const shape = [2, spatialSize(r, 'even'), spatialSize(r, 'odd'), r.int(2, 6)];
    // Inputs in [-3, 3] so that relu6 clips at 6 somewhere.
    add(`conv2d k3x3 s2 same +bias +${activation} ${fmt(shape)}->6`, true, singleOp('conv2d', { filters: 6, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation }, [shape], [-3, 3]));
  }

  // depthwiseConv2d: the same grid, depth multiplier 1 and 2.
  for (const k of [1, 3, 5]) {
    for (const s of [1, 2]) {
      for (const padding of paddings) {
        for (const parity of parities) {
          for (const m of [1, 2]) {
            const r = shapes(`depthwise/${k}/${s}/${padding}/${parity}/${m}`);
            const shape = [r.int(1, 2), spatialSize(r, parity), spatialSize(r, parity), r.int(1, 6)];
            add(
              `depthwiseConv2d k${k}x${k} s${s} ${padding} ${parity} m${m} ${fmt(shape)}`,
              k === 3,
              singleOp('depthwiseConv2d', { kernelSize: [k, k], strides: [s, s], padding, depthMultiplier: m }, [shape]),
            );
          }
        }
      }
    }
  }
  for (const activation of fused) {
    const r = shapes(`depthwise/fused/${activation}`);
    const shape = [2, spatialSize(r, 'odd'), spatialSize(r, 'even'), r.int(2, 6)];
    add(
      `depthwiseConv2d k3x3 s2 same m2 +bias +${activation} ${fmt(shape)}`,
      activation === 'relu6',
      singleOp('depthwiseConv2d', { kernelSize: [3, 3], strides: [2, 2], padding: 'same', depthMultiplier: 2, useBias: true, activation }, [shape], [-3, 3]),
    );
  }

  // batchNorm over the last axis, rank 4 and rank 2.
  {
    const r = shapes('batchNorm');
    const s4 = [2, r.int(2, 6), r.int(2, 6), r.int(1, 8)];
    const s2 = [3, r.int(1, 16)];
    add(`batchNorm ${fmt(s4)}`, true, singleOp('batchNorm', { epsilon: 1e-3 }, [s4]));
    add(`batchNorm ${fmt(s2)}`, false, singleOp('batchNorm', { epsilon: 1e-3 }, [s2]));
  }

  // activation: every function, rank 4 in [-8, 8] (relu6 clips, sigmoid saturates) and rank 2.
  const fns: ActivationName[] = ['relu', 'relu6', 'sigmoid', 'softmax', 'linear'];
  for (const fn of fns) {
    const r = shapes(`activation/${fn}`);
    const s4 = [2, r.int(1, 5), r.int(1, 5), r.int(2, 10)];
    const s2 = [3, r.int(2, 20)];
    add(`activation ${fn} ${fmt(s4)}`, true, singleOp('activation', { fn }, [s4], [-8, 8]));
    add(`activation ${fn} ${fmt(s2)}`, false, singleOp('activation', { fn }, [s2], [-8, 8]));
  }
  {
    // Logits up to ±100: exp overflows float32 unless the row maximum is subtracted first.
    const shape = [2, 10];
    add(`activation softmax stable on logits in [-100,100] ${fmt(shape)}`, true, singleOp('activation', { fn: 'softmax' }, [shape], [-100, 100]));
  }

  // Global pools, with and without keepDims.
  for (const op of ['globalAvgPool', 'globalMaxPool'] as const) {
    for (const keepDims of [false, true]) {
      const r = shapes(`${op}/${keepDims}`);
      const shape = [2, r.int(1, 9), r.int(1, 9), r.int(1, 8)];
      add(`${op}${keepDims ? ' keepDims' : ''} ${fmt(shape)}`, true, singleOp(op, { keepDims }, [shape]));
    }
  }

  // Window pools: size 2, 3 × stride 1, 2 × both paddings × odd and even inputs.
  for (const op of ['avgPool', 'maxPool'] as const) {
    for (const p of [2, 3]) {
      for (const s of [1, 2]) {
        for (const padding of paddings) {
          for (const parity of parities) {
            const r = shapes(`${op}/${p}/${s}/${padding}/${parity}`);
            const shape = [r.int(1, 2), spatialSize(r, parity), spatialSize(r, parity), r.int(1, 5)];
            add(`${op} ${p}x${p} s${s} ${padding} ${parity} ${fmt(shape)}`, p === 3 || (s === 2 && padding === 'same'), singleOp(op, { poolSize: [p, p], strides: [s, s], padding }, [shape]));
          }
        }
      }
    }
  }

  // dense on the last axis: rank 2 and rank 4, with and without bias, fused activations.
  {
    const r = shapes('dense');
    const s2 = [3, r.int(1, 24)];
    const s4 = [2, r.int(1, 4), r.int(1, 4), r.int(1, 12)];
    const units = r.int(1, 10);
    add(`dense ${fmt(s2)}->${units}`, true, singleOp('dense', { units }, [s2]));
    add(`dense +bias ${fmt(s4)}->${units}`, true, singleOp('dense', { units, useBias: true }, [s4]));
    for (const activation of fused) {
      add(`dense +bias +${activation} ${fmt(s2)}->${units}`, activation === 'sigmoid', singleOp('dense', { units, useBias: true, activation }, [s2], [-3, 3]));
    }
  }

  // Shape ops.
  {
    const r = shapes('shape-ops');
    const s4 = [2, r.int(1, 5), r.int(1, 5), r.int(1, 6)];
    add(`dropout ${fmt(s4)}`, true, singleOp('dropout', { rate: 0.5 }, [s4]));
    add(`flatten ${fmt(s4)}`, true, singleOp('flatten', {} as Record<string, never>, [s4]));
    add(`reshape ${fmt(s4)} to [-1,${s4[3]}]`, true, singleOp('reshape', { shape: [-1, s4[3]!] }, [s4]));
    add(`reshape ${fmt(s4)} to [${s4[3]},${s4[2]},${s4[1]}]`, false, singleOp('reshape', { shape: [s4[3]!, s4[2]!, s4[1]!] }, [s4]));
  }

  // concat along every non-batch axis (and a negative axis), two and three inputs that differ along it.
  for (const axis of [1, 2, 3, -1]) {
    const r = shapes(`concat/${axis}`);
    const base = [2, r.int(1, 5), r.int(1, 5), r.int(1, 5)];
    const count = axis === 2 ? 3 : 2;
    const a = axis < 0 ? 4 + axis : axis;
    const inputs = Array.from({ length: count }, () => base.map((d, i) => (i === a ? r.int(1, 5) : d)));
    add(`concat axis ${axis} ${inputs.map(fmt).join(' ')}`, axis !== 2, singleOp('concat', { axis }, inputs));
  }
  {
    const r = shapes('concat/rank2');
    const inputs = [
      [3, r.int(1, 8)],
      [3, r.int(1, 8)],
    ];
    add(`concat axis 1 ${inputs.map(fmt).join(' ')}`, false, singleOp('concat', { axis: 1 }, inputs));
  }

  // add of two and three inputs.
  for (const count of [2, 3]) {
    const r = shapes(`add/${count}`);
    const shape = [2, r.int(1, 5), r.int(1, 5), r.int(1, 6)];
    add(`add ${count} inputs ${fmt(shape)}`, count === 2, singleOp('add', {} as Record<string, never>, Array.from({ length: count }, () => shape)));
  }

  // l2Normalize along the last axis, a middle axis and the rank-2 feature axis.
  {
    const r = shapes('l2Normalize');
    const s2 = [3, r.int(2, 16)];
    const s4 = [2, r.int(1, 4), r.int(1, 4), r.int(2, 8)];
    add(`l2Normalize axis -1 ${fmt(s2)}`, true, singleOp('l2Normalize', { axis: -1, epsilon: 1e-12 }, [s2]));
    add(`l2Normalize axis 3 ${fmt(s4)}`, false, singleOp('l2Normalize', { axis: 3, epsilon: 1e-12 }, [s4]));
    add(`l2Normalize axis 1 ${fmt(s4)}`, false, singleOp('l2Normalize', { axis: 1, epsilon: 1e-12 }, [s4]));
    // Tiny inputs: Σx² < ε, so the denominator is √ε and the output is x/√ε.
    add(`l2Normalize epsilon floor ${fmt(s2)}`, false, singleOp('l2Normalize', { axis: -1, epsilon: 1e-2 }, [s2], [-0.01, 0.01]));
  }

  return specs;
}
