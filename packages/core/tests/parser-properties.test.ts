// Property tests (fast-check, seeded, bounded): random mutations of a valid model.json, weights
// manifest and shards give a clear error (ModelFormatError / GraphError) or a correct result —
// never another exception, a hang or a non-finite weight.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutateText, type TextMutation, textMutation as sharedTextMutation } from '../../../tooling/properties/text-mutations.ts';
import { GraphError, ModelFormatError } from '../src/errors';
import { decodeModel, decodeWeightsManifest, encodeModel, parseJsonBounded, JsonInputError } from '../src/index';
import { deterministicWeights, memoryShardReader, smallGraph } from './fixtures/model-graph/small-model';

const graph = smallGraph();
const { modelJson, shards } = encodeModel(graph, deterministicWeights(graph), { shardSizeBytes: 512 });
const text = JSON.stringify(modelJson);
const shardMap = new Map(shards.map((s) => [s.path, s.data]));
const RUNS = { seed: 20261207, numRuns: 150 };

/** A mutation of a string: replace, insert or delete a span, or truncate (tooling/properties, shared with convert). */
const textMutation = sharedTextMutation(fc) as fc.Arbitrary<TextMutation>;

function expectClearOrValid(result: { weights: Map<string, { data: Float32Array }> } | Error) {
  if (result instanceof Error) {
    expect([ModelFormatError, GraphError].some((c) => result instanceof c), `${result.name}: ${result.message}`).toBe(true);
    expect(result.message.length).toBeGreaterThan(10);
    return;
  }
  for (const w of result.weights.values()) for (const v of w.data) expect(Number.isFinite(v)).toBe(true);
}

describe('parser properties (fast-check)', () => {
  it('model.json: any text mutation gives a ModelFormatError/GraphError or a model with finite weights', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(textMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutations.reduce(mutateText, text);
        const result = await decodeModel(mutated, memoryShardReader(shardMap).read).catch((e: Error) => e);
        expectClearOrValid(result as never);
      }),
      RUNS,
    );
  });

  it('weights manifest: any value put anywhere in an entry gives a ModelFormatError or finite weights', async () => {
    const fields = ['name', 'shape', 'dtype', 'quantization', 'group'] as const;
    const hostileValue = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.constantFrom(-1, 1e9, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, 0.5, [1e9, 1e9, 1e9], [-1], { dtype: 'uint8', scale: 1e39 }, { dtype: 'float16' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...fields), hostileValue, async (which, field, value) => {
        const manifest = structuredClone(modelJson.weightsManifest) as unknown as { weights: Record<string, unknown>[] }[];
        const all = manifest.flatMap((g) => g.weights);
        all[which % all.length]![field] = value;
        const result = await decodeWeightsManifest(manifest, memoryShardReader(shardMap).read).catch((e: Error) => e);
        expectClearOrValid(result instanceof Error ? result : ({ weights: result } as never));
      }),
      RUNS,
    );
  });

  it('shards: flipped, cut or extended bytes give a ModelFormatError naming the file, or finite weights', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.integer({ min: -8, max: 8 }),
        async (which, flips, resize) => {
          const copy = new Map([...shardMap].map(([k, v]) => [k, v.slice()]));
          const key = [...copy.keys()][which % copy.size]!;
          let data = copy.get(key)!;
          for (const [at, byte] of flips) data[at % data.length] = byte;
          if (resize < 0) data = data.subarray(0, data.length + resize);
          else if (resize > 0) data = new Uint8Array([...data, ...new Uint8Array(resize)]);
          copy.set(key, data);
          const result = await decodeModel(modelJson, memoryShardReader(copy).read).catch((e: Error) => e);
          if (result instanceof Error) expect(result.message).toMatch(/^file "/);
          expectClearOrValid(result as never);
          if (resize !== 0) expect(result).toBeInstanceOf(ModelFormatError);
        },
      ),
      RUNS,
    );
  });

  it('parseJsonBounded: any string gives a value or a JsonInputError, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 64 }), fc.json({ depthSize: 'large' }), fc.integer({ min: 0, max: 2000 }).map((n) => '['.repeat(n))), (s) => {
        try {
          parseJsonBounded(s, { maxDepth: 64 });
        } catch (e) {
          expect(e).toBeInstanceOf(JsonInputError);
        }
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });
});
