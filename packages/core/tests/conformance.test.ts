import { describe, expect, it } from 'vitest';
import { conformanceCases, DEFAULT_TOLERANCES, unravelIndex, worstMismatch } from '../src/conformance';
import { type AnyNode, type Backend, type CompiledModel, type HostTensor, OP_NAMES, optimizeForInference, registerBackend } from '../src/index';
import { referenceBackend } from '../src/reference';

registerBackend(referenceBackend());

/** A backend that runs the reference and then spoils its outputs with `spoil`; it counts compiles and disposals. */
function spoiledBackend(name: string, spoil: (out: HostTensor) => HostTensor | undefined) {
  const inner = referenceBackend();
  const counts = { compiled: 0, disposed: 0 };
  const backend: Backend = {
    name,
    supports: inner.supports,
    async compile(graph, weights, options): Promise<CompiledModel> {
      const model = await inner.compile(graph, weights, options);
      counts.compiled++;
      return {
        ...model,
        backend: { name },
        async run(inputs) {
          const outputs = await model.run(inputs);
          const spoiled: Record<string, HostTensor> = {};
          for (const [k, v] of Object.entries(outputs)) {
            const s = spoil(v);
            if (s) spoiled[k] = s;
          }
          return spoiled;
        },
        dispose() {
          counts.disposed++;
          model.dispose();
        },
      };
    },
  };
  registerBackend(backend);
  return counts;
}

const plus = (delta: number) => (t: HostTensor) => ({ shape: t.shape, data: t.data.map((v) => v + delta) });

describe("conformance suite against the 'reference' backend itself", () => {
  for (const c of conformanceCases({ backend: 'reference' })) it(`${c.group}: ${c.name}`, c.run);
});

describe('the conformance suite catches a wrong backend', () => {
  const counts = spoiledBackend('off-by-1e-2', plus(1e-2));
  const quick = conformanceCases({ backend: 'off-by-1e-2', quick: true });
  const pick = (group: string, match: RegExp) => {
    const c = quick.find((x) => x.group === group && match.test(x.name));
    if (!c) throw new Error(`no ${group} case matching ${match}`);
    return c;
  };

  it('an op case names the case, the output, the worst index, expected vs actual', async () => {
    const c = pick('ops', /^conv2d k3x3 s2 same even/);
    await expect(c.run()).rejects.toThrow(
      new RegExp(
        `conformance ops: ${c.name.replace(/[[\]()+.]/g, '\\$&')} on backend "off-by-1e-2" \\(optimize: false\\): output "y" \\[.*\\] differs at index \\d+ \\[.*\\]: expected -?[\\d.e-]+, got -?[\\d.e-]+`,
      ),
    );
  });

  it('every op case fails, and every model it compiled is disposed', async () => {
    const ops = quick.filter((c) => c.group === 'ops');
    const before = { ...counts };
    for (const c of ops) await expect(c.run(), c.name).rejects.toThrow(/out of tolerance/);
    expect(counts.compiled - before.compiled).toBe(ops.length);
    expect(counts.disposed - before.disposed).toBe(ops.length);
  });

  it('a pass case and a model case fail too', async () => {
    await expect(pick('passes', /^foldBatchNorm conv2d\+BN$/).run()).rejects.toThrow(/graph before foldBatchNorm.*output "y"/);
    await expect(pick('models', /0\.25-128.*BN folded/).run()).rejects.toThrow(/MobileNet v1 0\.25-128.*optimize: true.*output "features"/);
  });

  it('the same backend passes when the tolerance allows the offset (the option is honoured)', async () => {
    const loose = conformanceCases({ backend: 'off-by-1e-2', quick: true, models: false, tolerance: { atol: 0.011, rtol: 0 } });
    for (const c of loose.filter((x) => /^(conv2d k3x3 s2 same even|batchNorm|dense)/.test(x.name))) await c.run();
    const perGroup = conformanceCases({ backend: 'off-by-1e-2', quick: true, models: false, tolerance: { ops: { atol: 0.011, rtol: 0 } } });
    await perGroup.find((x) => x.group === 'ops')!.run();
    await expect(perGroup.find((x) => x.group === 'passes')!.run()).rejects.toThrow(/out of tolerance/);
  });

  it('NaN outputs, a wrong shape and a missing output are caught', async () => {
    spoiledBackend('nan-out', (t) => ({ shape: t.shape, data: t.data.map((v, i) => (i === 1 ? Number.NaN : v)) }));
    spoiledBackend('wrong-shape', (t) => ({ shape: [...t.shape, 1], data: t.data }));
    spoiledBackend('no-output', () => undefined);
    const first = (backend: string) => conformanceCases({ backend, quick: true, models: false })[0]!;
    await expect(first('nan-out').run()).rejects.toThrow(/differs at index 1 .*got NaN/);
    await expect(first('wrong-shape').run()).rejects.toThrow(/output "y" has shape \[.*, 1\], expected/);
    await expect(first('no-output').run()).rejects.toThrow(/output "y" is missing/);
  });
});

describe('the conformance suite catches a subtle lowering bug', () => {
  // A backend that runs the inference passes and then drops every fused activation, as a lowering that forgets them would.
  const inner = referenceBackend();
  registerBackend({
    name: 'forgets-fused-activations',
    supports: inner.supports,
    compile(graph, weights, options = {}) {
      const prepared = options.optimize === false ? { graph, weights } : optimizeForInference(graph, weights);
      const nodes = prepared.graph.nodes.map((n) => ('activation' in n.attrs && n.op !== 'activation' ? ({ ...n, attrs: { ...n.attrs, activation: undefined } } as AnyNode) : n));
      return inner.compile({ ...prepared.graph, nodes }, prepared.weights, { ...options, optimize: false });
    },
  });
  const cases = conformanceCases({ backend: 'forgets-fused-activations', quick: true, contract: false });

  it('fails the fused-activation op cases and the folded MobileNet, passes the rest', async () => {
    const outcome = new Map<string, boolean>();
    for (const c of cases) outcome.set(`${c.group}: ${c.name}`, await c.run().then(() => true, () => false));
    const failed = [...outcome].filter(([, ok]) => !ok).map(([name]) => name);
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(/\+(relu|relu6|sigmoid)\b|fuseActivations|optimizeForInference|BN folded/);
    expect(outcome.get('models: MobileNet v1 0.25-128 batch 2, BN folded')).toBe(false);
    expect(outcome.get('models: MobileNet v1 0.25-128 batch 2, with BN')).toBe(true);
    expect([...outcome].filter(([name]) => /^ops: conv2d .*\+relu6/.test(name)).every(([, ok]) => !ok)).toBe(true);
  });
});

describe('the case list', () => {
  const full = conformanceCases({ backend: 'reference' });
  const quick = conformanceCases({ backend: 'reference', quick: true });

  it('covers every op of the IR, every pass and three MobileNets, quick a subset of full', () => {
    const names = (list: typeof full) => list.map((c) => `${c.group}: ${c.name}`);
    for (const op of OP_NAMES.filter((o) => o !== 'input')) {
      expect(quick.some((c) => c.group === 'ops' && c.name.startsWith(`${op} `)), op).toBe(true);
    }
    for (const pass of ['foldBatchNorm', 'fuseActivations', 'stripTrainingOps', 'optimizeForInference']) {
      expect(quick.some((c) => c.group === 'passes' && c.name.startsWith(pass)), pass).toBe(true);
    }
    expect(full.filter((c) => c.group === 'models').map((c) => c.name.split(',')[0])).toEqual([
      'MobileNet v1 0.25-128 batch 2',
      'MobileNet v1 0.25-128 batch 2',
      'MobileNet v1 0.50-160 batch 1',
      'MobileNet v1 0.50-160 batch 1',
      'MobileNet v1 1.00-224 batch 1',
      'MobileNet v1 1.00-224 batch 1',
    ]);
    expect(quick.filter((c) => c.group === 'models')).toHaveLength(4);
    const fullNames = new Set(names(full));
    expect(names(quick).every((n) => fullNames.has(n))).toBe(true);
    expect(quick.length).toBeLessThan(full.length);
    expect(conformanceCases({ backend: 'reference', models: false }).some((c) => c.group === 'models')).toBe(false);
  });

  it('grids strides 1 and 2, both paddings, kernels 1, 3, 5 and odd and even inputs', () => {
    for (const k of [1, 3, 5]) {
      for (const s of [1, 2]) {
        for (const pad of ['same', 'valid']) {
          for (const parity of ['odd', 'even']) {
            expect(full.some((c) => c.name.startsWith(`conv2d k${k}x${k} s${s} ${pad} ${parity}`))).toBe(true);
            expect(full.some((c) => c.name.startsWith(`depthwiseConv2d k${k}x${k} s${s} ${pad} ${parity} m2`))).toBe(true);
          }
        }
      }
    }
  });

  it('draws shapes from the seed: same seed same list, another seed other shapes', () => {
    const again = conformanceCases({ backend: 'reference', seed: 1 }).map((c) => c.name);
    expect(again).toEqual(full.map((c) => c.name));
    const other = conformanceCases({ backend: 'reference', seed: 2 }).map((c) => c.name);
    expect(other.length).toBe(full.length);
    expect(other.filter((n, i) => n !== full[i]!.name).length).toBeGreaterThan(full.length / 2);
  });

  it('rejects a missing backend name', () => {
    expect(() => conformanceCases({ backend: '' })).toThrow(/options\.backend/);
  });
});

describe('comparison helpers', () => {
  it('unravelIndex gives row-major coordinates', () => {
    expect(unravelIndex(0, [2, 3, 4])).toEqual([0, 0, 0]);
    expect(unravelIndex(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(unravelIndex(13, [2, 3, 4])).toEqual([1, 0, 1]);
  });

  it('worstMismatch applies atol + rtol·|expected|, finds the worst element and counts the rest', () => {
    const expected = Float32Array.from([1, 100, -2, 0]);
    const tol = { atol: 0.1, rtol: 0.01 };
    expect(worstMismatch(expected, [1.1, 101, -2, 0], tol)).toBeUndefined();
    const m = worstMismatch(expected, [1.3, 102, -2, Number.POSITIVE_INFINITY], tol)!;
    expect(m.index).toBe(3);
    expect(m.count).toBe(3);
    expect(worstMismatch(expected, [1, 100, Number.NaN, 0], tol)!.index).toBe(2);
    expect(DEFAULT_TOLERANCES.models.atol).toBeGreaterThanOrEqual(DEFAULT_TOLERANCES.ops.atol);
  });
});
