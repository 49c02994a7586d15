// Property tests (fast-check, seeded, bounded) of the Keras .h5 import: random mutations of a valid small
// .h5 (the kit's own writer, writeKerasH5File, after Keras 2's model.save layout) give a ModelFormatError
// naming the file, or an imported model whose weights are finite and whose shapes are the graph's — never
// another exception, a hang (each import is timed) or a leak (no tfjs tensor left, no file left beside it).
// Two kinds of mutation: bytes of the file (flipped, deleted, cut: tooling/properties/byte-mutations.ts,
// shared with the ONNX and IDX properties), and the file's structure written anew (weight shapes, a weight
// renamed or dropped, non-finite values, model_config attributes set to hostile values, keras_version).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeGraph, ModelFormatError } from '@mobilenet-kit/core';
import { importModelFile, writeKerasH5File } from '@mobilenet-kit/convert/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ByteMutation, byteMutation, mutateBytes } from '../../../tooling/properties/byte-mutations.ts';
import { kerasMobileNet, tf, type tfl } from './fixtures';
import { type FixtureLayer, fixtureLayers } from './h5-fixtures';

const SEED = 20261207;
/** Far above an import of this 0.25-32 file (~50 ms): a mutation that makes the reader loop fails here. */
const MAX_IMPORT_MS = 5000;
let dir: string;
let model: tfl.LayersModel;
let valid: Uint8Array;
let topology: { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
let layers: FixtureLayer[];
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-h5-props-'));
  await tf.setBackend('cpu');
  model = kerasMobileNet({ alpha: 0.25, resolution: 32, classes: 3 });
  topology = model.toJSON(null, false) as unknown as typeof topology;
  layers = fixtureLayers(model);
  await writeKerasH5File(path.join(dir, 'valid.h5'), { layout: 'model', modelConfig: topology, layers, kerasVersion: '2.15.0' });
  valid = new Uint8Array(await readFile(path.join(dir, 'valid.h5')));
});
afterAll(async () => {
  model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

type Outcome = 'refused' | 'imported';

/** Imports `file`; asserts a clear error or a correct model, no leak, no hang. */
async function importClearOrCorrect(file: string): Promise<Outcome> {
  const tensors = tf.memory().numTensors;
  const started = performance.now();
  let outcome: Outcome;
  let imported: Awaited<ReturnType<typeof importModelFile>> | undefined;
  try {
    imported = await importModelFile(file);
    outcome = 'imported';
  } catch (e) {
    expect(e, `${(e as Error).name}: ${(e as Error).message}`).toBeInstanceOf(ModelFormatError);
    expect((e as Error).message).toContain(path.basename(file));
    outcome = 'refused';
  } finally {
    await rm(file, { force: true });
  }
  if (imported) {
    const params = new Map([...analyzeGraph(imported.graph).params.values()].flat().map((p) => [p.name, p.shape]));
    for (const [name, w] of imported.weights) {
      for (const v of w.data) if (!Number.isFinite(v)) throw new Error(`imported a non-finite value in "${name}" from a mutated file`);
      expect([...w.shape], name).toEqual([...(params.get(name) ?? w.shape)]);
      expect(w.data.length, name).toBe(w.shape.reduce((a, b) => a * b, 1));
    }
  }
  expect(performance.now() - started).toBeLessThan(MAX_IMPORT_MS);
  expect(tf.memory().numTensors).toBe(tensors);
  // h5wasm reads through its own file system: nothing of the import may stay beside the file.
  expect((await readdir(dir)).filter((f) => f !== 'valid.h5')).toEqual([]);
  return outcome;
}

const hostileValue = fc.constantFrom<unknown>(-1, 0, 1e9, 2 ** 53, 0.5, null, 'same', '', [], {}, [1e9, 1e9], [-1, 3], true);

describe('Keras .h5 import properties (fast-check)', () => {
  it('the valid file imports', async () => {
    await writeFile(path.join(dir, 'copy.h5'), valid);
    expect(await importClearOrCorrect(path.join(dir, 'copy.h5'))).toBe('imported');
  });

  it('byte mutations: a ModelFormatError naming the file, or finite weights of the graph\'s shapes', async () => {
    const seen = { refused: 0, imported: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation(fc, { maxDelete: 256 }) as fc.Arbitrary<ByteMutation>, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const file = path.join(dir, `m${n++}.h5`);
        await writeFile(file, mutations.reduce(mutateBytes, valid));
        seen[await importClearOrCorrect(file)]++;
      }),
      { seed: SEED, numRuns: 40 },
    );
    console.log(`Keras .h5 byte mutations: ${seen.imported} of 40 imported (the mutation missed what is read), ${seen.refused} refused`);
  });

  it('structure mutations (weight shapes, names, values; model_config attributes; keras_version): a clear error or a correct model', async () => {
    const weightEdit = fc.record({
      layer: fc.nat(),
      weight: fc.nat(),
      kind: fc.constantFrom('shape', 'rename', 'drop', 'nan', 'inf'),
      shape: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 5 }),
    });
    const configEdit = fc.record({ layer: fc.nat(), key: fc.constantFrom('filters', 'kernel_size', 'strides', 'padding', 'units', 'target_shape', 'batch_input_shape', 'name', 'activation', 'depth_multiplier', 'rate'), value: hostileValue });
    const seen = { refused: 0, imported: 0 };
    await fc.assert(
      fc.asyncProperty(fc.option(weightEdit, { nil: undefined }), fc.option(configEdit, { nil: undefined }), fc.constantFrom('2.15.0', '3.6.0', '', '1.0', 'x'), async (w, c, kerasVersion) => {
        const edited = layers.map((l) => ({ name: l.name, weights: l.weights.map((x) => ({ ...x })) }));
        if (w) {
          const withWeights = edited.filter((l) => l.weights.length > 0);
          const layer = withWeights[w.layer % withWeights.length]!;
          const i = w.weight % layer.weights.length;
          const target = layer.weights[i]!;
          if (w.kind === 'shape') {
            const size = w.shape.reduce((a, b) => a * b, 1);
            layer.weights[i] = { ...target, shape: w.shape, data: new Float32Array(Math.min(size, 1 << 16)).fill(0.5) };
            if (size > 1 << 16) layer.weights[i] = { ...target, shape: [1 << 16], data: new Float32Array(1 << 16) };
          } else if (w.kind === 'rename') layer.weights[i] = { ...target, name: `${target.name}_x` };
          else if (w.kind === 'drop') layer.weights.splice(i, 1);
          else {
            const data = Float32Array.from(target.data);
            data[data.length >> 1] = w.kind === 'nan' ? Number.NaN : Number.NEGATIVE_INFINITY;
            layer.weights[i] = { ...target, data };
          }
        }
        const config = structuredClone(topology);
        if (c) {
          const layer = config.config.layers[c.layer % config.config.layers.length]!;
          layer.config[c.key] = c.value;
        }
        const file = path.join(dir, `s${n++}.h5`);
        try {
          await writeKerasH5File(file, { layout: 'model', modelConfig: config, layers: edited, kerasVersion });
        } catch {
          await rm(file, { force: true }); // a layout the writer itself refuses: not a file to read
          return;
        }
        const outcome = await importClearOrCorrect(file);
        seen[outcome]++;
        // A non-finite value that is read must be refused (every weight of a MobileNet layer is read).
        if (w && (w.kind === 'nan' || w.kind === 'inf')) expect(outcome).toBe('refused');
      }),
      { seed: SEED, numRuns: 40 },
    );
    console.log(`Keras .h5 structure mutations: ${seen.imported} imported, ${seen.refused} refused`);
  });
});
