// The contract group of the conformance suite fails a deliberately broken backend on the one case
// each breakage violates, and passes the reference backend on every case.
import { describe, expect, it } from 'vitest';
import { conformanceCases } from '../src/conformance';
import { type Backend, type CompiledModel, type HostTensor, registerBackend } from '../src/index';
import { referenceBackend } from '../src/reference';

type Fault = (model: CompiledModel, name: string, leak: { held: number }) => CompiledModel;

/** The reference backend, registered as `name`, with one promise of the contract broken by `fault`. */
function brokenBackend(name: string, fault: Fault): { held: number } {
  const inner = referenceBackend();
  const leak = { held: 0 };
  const backend: Backend = {
    name,
    supports: inner.supports,
    async compile(graph, weights, options): Promise<CompiledModel> {
      const model = await inner.compile(graph, weights, options);
      return fault({ ...model, backend: { name }, run: (i) => model.run(i), dispose: () => model.dispose() }, name, leak);
    },
  };
  registerBackend(backend);
  return leak;
}

const FAULTS: Record<string, { fault: Fault; breaks: RegExp; message: RegExp }> = {
  'reports no specs': { fault: (m) => ({ ...m, inputs: [], outputs: [] }), breaks: /specs are the graph/, message: /inputs are \[none\], the graph's are \[image \[\?, 6, 6, 3\] float32\]/ },
  'names another backend': { fault: (m) => ({ ...m, backend: { name: 'cpu' } }), breaks: /names the backend/, message: /model\.backend\.name is "cpu", the backend is registered as "names-another-backend"/ },
  'drops an output': {
    fault: (m) => ({ ...m, run: async (i) => ({ logits: (await m.run(i)).logits! }) }),
    breaks: /gives every output/,
    message: /output "features" is missing/,
  },
  'runs after dispose': {
    fault: (m) => ({ ...m, dispose: () => {} }),
    breaks: /after dispose/,
    message: /run\(\) after dispose\(\) returned outputs/,
  },
  'throws on a second dispose': {
    fault: (m) => {
      let disposed = false;
      return {
        ...m,
        dispose() {
          if (disposed) throw new Error('already disposed');
          disposed = true;
          m.dispose();
        },
      };
    },
    breaks: /after dispose/,
    message: /a second dispose\(\) threw: already disposed/,
  },
  'mixes concurrent runs': {
    // One shared result slot: a run returns whatever the last run that finished wrote there.
    fault: (m) => {
      let slot: Record<string, HostTensor> | undefined;
      let pending = 0;
      return {
        ...m,
        async run(i) {
          pending++;
          slot = await m.run(i);
          await new Promise((r) => setTimeout(r, 5 * pending));
          pending--;
          return slot;
        },
      };
    },
    breaks: /concurrent runs/,
    message: /concurrent run \d of 4/,
  },
  'checks no input': {
    // Any input problem is swallowed: the outputs of a zero image come back instead.
    fault: (m) => ({
      ...m,
      async run(i) {
        try {
          return await m.run({ image: (i as { image: HostTensor }).image });
        } catch {
          return m.run({ image: { shape: [1, 6, 6, 3], data: new Float32Array(108) } });
        }
      },
    }),
    breaks: /refused/,
    message: /run\(\) accepted it, expected an Error/,
  },
  'leaks a resource per run': {
    fault: (m, _name, leak) => ({
      ...m,
      async run(i) {
        leak.held++;
        return m.run(i);
      },
    }),
    breaks: /leave nothing behind/,
    message: /holds 20 resources after the model was disposed, 0 before it was compiled/,
  },
};

describe('the contract cases', () => {
  it('pass the reference backend, every one', async () => {
    registerBackend(referenceBackend());
    const cases = conformanceCases({ backend: 'reference', models: false, resources: () => 0 }).filter((c) => c.group === 'contract');
    expect(cases.length).toBe(11);
    for (const c of cases) await c.run();
  });

  for (const [what, { fault, breaks, message }] of Object.entries(FAULTS)) {
    it(`fail a backend that ${what}, on the cases it breaks and no other`, async () => {
      const name = what.replaceAll(' ', '-');
      const leak = brokenBackend(name, fault);
      const cases = conformanceCases({ backend: name, models: false, resources: () => leak.held }).filter((c) => c.group === 'contract');
      const failed: string[] = [];
      for (const c of cases) {
        leak.held = 0;
        try {
          await c.run();
        } catch (e) {
          failed.push(c.name);
          expect((e as Error).message, c.name).toMatch(new RegExp(`^conformance contract: .* on backend "${name}": `));
          if (breaks.test(c.name)) expect((e as Error).message).toMatch(message);
        }
      }
      expect(failed.length, `failed: ${failed.join('; ')}`).toBeGreaterThan(0);
      for (const f of failed) expect(f, `only cases matching ${breaks}`).toMatch(breaks);
    });
  }
});
