import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../src/errors';
import { GraphBuilder } from '../src/graph-builder';
import { graphToJSONObject } from '../src/graph-json';
import { paramSpecs } from '../src/graph';
import { decodeModel, decodeWeightsManifest, encodeModel, float16Bits, float16Value, MODEL_FORMAT, type ModelJSON } from '../src/index';
import { bitsOf, deterministicWeights, memoryShardReader, smallGraph } from './fixtures/model-graph/small-model';

function shardMap(shards: readonly { path: string; data: Uint8Array }[]) {
  return new Map(shards.map((s) => [s.path, s.data]));
}

describe('encodeModel / decodeModel round trip', () => {
  it('float32: graph deep-equal and every weight bit-equal, -0, NaN and ±Infinity included', async () => {
    const graph = smallGraph();
    const weights = deterministicWeights(graph);
    const bias = weights.get('logits/bias')!.data;
    bias[0] = -0;
    bias[1] = Number.NaN;
    bias[2] = Number.POSITIVE_INFINITY;
    bias[3] = Number.NEGATIVE_INFINITY;
    bias[4] = 1e-45; // the smallest float32 subnormal
    const { modelJson, shards } = encodeModel(graph, weights, { metadata: { labels: ['a', 'b', 'c', 'd', 'e'] } });
    const reader = memoryShardReader(shardMap(shards));
    const decoded = await decodeModel(JSON.stringify(modelJson), reader.read, { allowNonFinite: true });
    expect(decoded.graph).toEqual(graph);
    expect(decoded.metadata).toEqual({ labels: ['a', 'b', 'c', 'd', 'e'] });
    expect([...decoded.weights.keys()]).toEqual(paramSpecs(graph).map((p) => p.name));
    for (const [name, w] of weights) {
      const got = decoded.weights.get(name)!;
      expect(got.shape).toEqual(w.shape);
      expect(got.data).toBeInstanceOf(Float32Array);
      expect(bitsOf(got.data)).toEqual(bitsOf(w.data));
    }
  });

  it('writes one tfjs-style group: default 4 MiB shards, float32 entries in graph parameter order', () => {
    const graph = smallGraph();
    const { modelJson, shards } = encodeModel(graph, deterministicWeights(graph));
    expect(modelJson.format).toBe(MODEL_FORMAT);
    expect(modelJson.formatVersion).toBe(1);
    expect(modelJson.graph).toEqual(graphToJSONObject(graph));
    expect(modelJson.weightsManifest).toHaveLength(1);
    const group = modelJson.weightsManifest[0]!;
    expect(group.paths).toEqual(['group1-shard1of1.bin']);
    expect(group.weights.map((w) => w.name)).toEqual(paramSpecs(graph).map((p) => p.name));
    expect(group.weights.every((w) => w.dtype === 'float32' && w.quantization === undefined)).toBe(true);
    const values = paramSpecs(graph).reduce((a, p) => a + p.shape.reduce((x, d) => x * d, 1), 0);
    expect(shards[0]!.data.byteLength).toBe(values * 4);
    expect('metadata' in modelJson).toBe(false);
  });

  it('splits into shards of shardSizeBytes and reads tensors (and single floats) that straddle shard boundaries', async () => {
    const graph = smallGraph();
    const weights = deterministicWeights(graph, 7);
    const { modelJson, shards } = encodeModel(graph, weights, { shardSizeBytes: 7 });
    const total = shards.reduce((a, s) => a + s.data.byteLength, 0);
    expect(shards.length).toBe(Math.ceil(total / 7));
    expect(shards.slice(0, -1).every((s) => s.data.byteLength === 7)).toBe(true);
    expect(shards[0]!.path).toBe(`group1-shard1of${shards.length}.bin`);
    const decoded = await decodeModel(modelJson, memoryShardReader(shardMap(shards)).read);
    for (const [name, w] of weights) expect(bitsOf(decoded.weights.get(name)!.data)).toEqual(bitsOf(w.data));
  });

  it('float16: every value decodes to its nearest half float, within half precision', async () => {
    const graph = smallGraph();
    const weights = deterministicWeights(graph, 3);
    const { modelJson, shards } = encodeModel(graph, weights, { quantization: 'float16', shardSizeBytes: 33 });
    expect(modelJson.weightsManifest[0]!.weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
    expect(shards.reduce((a, s) => a + s.data.byteLength, 0)).toBe(189 * 2);
    const decoded = await decodeModel(modelJson, memoryShardReader(shardMap(shards)).read);
    for (const [name, w] of weights) {
      const got = decoded.weights.get(name)!.data;
      for (let i = 0; i < w.data.length; i++) {
        const v = w.data[i]!;
        expect(got[i]).toBe(Math.fround(float16Value(float16Bits(v))));
        // Half precision: 11 significant bits, so a relative error of at most 2^-11 for normal halves.
        expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
      }
    }
  });

  for (const [quantization, levels] of [['uint8', 255], ['uint16', 65535]] as const) {
    it(`${quantization}: value = q · scale + min, within scale/2 of the original`, async () => {
      const graph = smallGraph();
      const weights = deterministicWeights(graph, 5);
      const { modelJson, shards } = encodeModel(graph, weights, { quantization });
      const decoded = await decodeModel(modelJson, memoryShardReader(shardMap(shards)).read);
      for (const entry of modelJson.weightsManifest[0]!.weights) {
        const { scale, min, dtype } = entry.quantization!;
        expect(dtype).toBe(quantization);
        const original = weights.get(entry.name)!.data;
        const got = decoded.weights.get(entry.name)!.data;
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const v of original) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        expect(min).toBe(lo);
        expect(scale).toBeCloseTo((hi - lo) / levels, 12);
        for (let i = 0; i < original.length; i++) {
          // scale/2 from rounding q, plus float32 rounding of the decoded value.
          expect(Math.abs(got[i]! - original[i]!)).toBeLessThanOrEqual(scale! / 2 + Math.abs(original[i]!) * 2 ** -24 + 1e-12);
        }
      }
    });
  }

  it('uint8: a constant tensor is stored exactly (all q = 0, min = the value)', async () => {
    const graph = smallGraph();
    const weights = deterministicWeights(graph);
    weights.get('conv1_bn/gamma')!.data.fill(0.75);
    const { modelJson, shards } = encodeModel(graph, weights, { quantization: 'uint8' });
    const entry = modelJson.weightsManifest[0]!.weights.find((w) => w.name === 'conv1_bn/gamma')!;
    expect(entry.quantization).toEqual({ dtype: 'uint8', scale: 1, min: 0.75 });
    const decoded = await decodeModel(modelJson, memoryShardReader(shardMap(shards)).read);
    expect([...decoded.weights.get('conv1_bn/gamma')!.data]).toEqual([0.75, 0.75, 0.75, 0.75]);
  });

  it('a graph without parameters has an empty manifest and no shards', async () => {
    const b = new GraphBuilder('no-params');
    const graph = b.output(b.add('act', 'activation', [b.input('x', [null, 4])], { fn: 'relu' })).build();
    const { modelJson, shards } = encodeModel(graph, new Map());
    expect(modelJson.weightsManifest).toEqual([]);
    expect(shards).toEqual([]);
    const reader = memoryShardReader(new Map());
    const decoded = await decodeModel(modelJson, reader.read);
    expect(decoded.weights.size).toBe(0);
    expect(reader.calls).toEqual([]);
  });
});

describe('encodeModel refuses weights that do not fit the graph', () => {
  const graph = smallGraph();
  const cases: [string, (w: Map<string, { shape: readonly number[]; data: Float32Array }>) => void, RegExp, string][] = [
    ['a missing weight', (w) => w.delete('conv1_bn/beta'), /missing: graph "small" has this parameter, shape \[4\]/, 'conv1_bn/beta'],
    ['an extra weight', (w) => w.set('conv1/bias', { shape: [4], data: new Float32Array(4) }), /not a parameter of graph "small"/, 'conv1/bias'],
    ['a wrong shape', (w) => w.set('logits/kernel', { shape: [5, 4], data: new Float32Array(20) }), /shape \[5, 4\] does not match the graph's \[4, 5\]/, 'logits/kernel'],
    ['a wrong length', (w) => w.set('logits/bias', { shape: [5], data: new Float32Array(4) }), /holds 4 values, shape \[5\] needs 5/, 'logits/bias'],
  ];
  for (const [what, mutate, message, weight] of cases) {
    it(what, () => {
      const weights = deterministicWeights(graph);
      mutate(weights);
      const error = (() => {
        try {
          encodeModel(graph, weights);
        } catch (e) {
          return e;
        }
      })() as ModelFormatError;
      expect(error).toBeInstanceOf(ModelFormatError);
      expect(error.message).toMatch(message);
      expect(error.weight).toBe(weight);
    });
  }

  it('non-finite values under uint8, values beyond the float16 range, and bad options', () => {
    const weights = deterministicWeights(graph);
    weights.get('logits/bias')!.data[2] = Number.NaN;
    expect(() => encodeModel(graph, weights, { quantization: 'uint8' })).toThrow(/weight "logits\/bias".*value NaN at index 2 cannot be quantized/);
    weights.get('logits/bias')!.data[2] = 70000;
    expect(() => encodeModel(graph, weights, { quantization: 'float16' })).toThrow(/weight "logits\/bias".*value 70000 at index 2 is outside the float16 range/);
    expect(() => encodeModel(graph, deterministicWeights(graph), { shardSizeBytes: 0 })).toThrow(/shardSizeBytes must be a positive integer, got 0/);
    expect(() => encodeModel(graph, deterministicWeights(graph), { quantization: 'int4' as never })).toThrow(/quantization must be one of none \| float16 \| uint8 \| uint16, got "int4"/);
  });
});

/** Little-endian byte writer for hand-built shards. */
class Bytes {
  private readonly view: DataView;
  private offset = 0;
  readonly data: Uint8Array;
  constructor(size: number) {
    this.data = new Uint8Array(size);
    this.view = new DataView(this.data.buffer);
  }
  u8(v: number) { this.view.setUint8(this.offset, v); this.offset += 1; }
  u16(v: number) { this.view.setUint16(this.offset, v, true); this.offset += 2; }
  i32(v: number) { this.view.setInt32(this.offset, v, true); this.offset += 4; }
  f32(v: number) { this.view.setFloat32(this.offset, v, true); this.offset += 4; }
  get written() { return this.offset; }
}

describe('reading a tfjs-written weights manifest', () => {
  // A manifest laid out as tfjs-core's io.encodeWeights and the tfjs converter write it
  // (WeightsManifestGroupConfig: paths + weights, tensors back to back, little-endian,
  // quantization { dtype, scale, min }), built byte by byte with known stored values.
  function tfjsStyleModel() {
    const graph = smallGraph();
    const g1 = new Bytes(108 + 8 + 16 + 16 + 8);
    for (let i = 0; i < 108; i++) g1.u8(i); // conv1/kernel, uint8: value = q · 0.5 − 1
    for (const h of [0x3c00, 0x0001, 0x7bff, 0xc000]) g1.u16(h); // conv1_bn/gamma, float16: 1, 2^-24, 65504, -2
    for (const v of [0.25, -1.5, 3, 0.001]) g1.f32(v); // conv1_bn/beta, float32
    for (const v of [1, -2, 3, 100000]) g1.i32(v); // conv1_bn/moving_mean, int32
    for (const q of [0, 1, 65535, 1000]) g1.u16(q); // conv1_bn/moving_variance, uint16: q · 0.001 + 0.5
    expect(g1.written).toBe(g1.data.byteLength);

    const g2 = new Bytes(36 * 4 + 4 * 4 + 20 + 5 * 2 + 20 * 4);
    for (let i = 0; i < 36; i++) g2.f32(i / 8 - 2); // conv_dw_1/depthwise_kernel
    for (const v of [0.5, 0.25, -0.125, 8]) g2.f32(v); // conv_dw_1/bias
    for (let i = 0; i < 20; i++) g2.u8(255 - i); // logits/kernel, uint8: q / 16 − 1
    for (const h of [0x3555, 0x8000, 0x0400, 0x03ff, 0x7c00]) g2.u16(h); // logits/bias, float16
    for (let i = 0; i < 20; i++) g2.f32(i); // optimizer state, skipped
    expect(g2.written).toBe(g2.data.byteLength);

    const modelJson = {
      format: MODEL_FORMAT,
      formatVersion: 1,
      graph: graphToJSONObject(graph),
      weightsManifest: [
        {
          paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
          weights: [
            { name: 'conv1/kernel', shape: [3, 3, 3, 4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
            { name: 'conv1_bn/gamma', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
            { name: 'conv1_bn/beta', shape: [4], dtype: 'float32' },
            { name: 'conv1_bn/moving_mean', shape: [4], dtype: 'int32' },
            { name: 'conv1_bn/moving_variance', shape: [4], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 0.5 } },
          ],
        },
        {
          paths: ['weights/group2.bin'],
          weights: [
            { name: 'conv_dw_1/depthwise_kernel', shape: [3, 3, 4, 1], dtype: 'float32' },
            { name: 'conv_dw_1/bias', shape: [4], dtype: 'float32', group: 'model' },
            { name: 'logits/kernel', shape: [4, 5], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1 / 16, min: -1 } },
            { name: 'logits/bias', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } },
            { name: 'logits/kernel/adam_m', shape: [4, 5], dtype: 'float32', group: 'optimizer' },
          ],
        },
      ],
    };
    // Split group 1 inside conv1/kernel, so that tensor straddles the two shards.
    const shards = new Map([
      ['group1-shard1of2.bin', g1.data.slice(0, 101)],
      ['group1-shard2of2.bin', g1.data.slice(101)],
      ['weights/group2.bin', g2.data],
    ]);
    return { graph, modelJson, shards };
  }

  it('decodes uint8, uint16, float16 (subnormal, max, infinity), int32 and float32 entries to the expected values', async () => {
    const { graph, modelJson, shards } = tfjsStyleModel();
    const reader = memoryShardReader(shards);
    const { weights } = await decodeModel(JSON.stringify(modelJson), reader.read, { allowNonFinite: true });
    expect(reader.calls).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'weights/group2.bin']);
    expect([...weights.keys()]).toEqual(paramSpecs(graph).map((p) => p.name));
    expect([...weights.get('conv1/kernel')!.data]).toEqual(Array.from({ length: 108 }, (_, i) => i * 0.5 - 1));
    expect([...weights.get('conv1_bn/gamma')!.data]).toEqual([1, 2 ** -24, 65504, -2]);
    expect([...weights.get('conv1_bn/beta')!.data]).toEqual([0.25, -1.5, 3, Math.fround(0.001)]);
    expect([...weights.get('conv1_bn/moving_mean')!.data]).toEqual([1, -2, 3, 100000]);
    expect([...weights.get('conv1_bn/moving_variance')!.data]).toEqual([0, 1, 65535, 1000].map((q) => Math.fround(q * 0.001 + 0.5)));
    expect([...weights.get('conv_dw_1/depthwise_kernel')!.data]).toEqual(Array.from({ length: 36 }, (_, i) => i / 8 - 2));
    expect([...weights.get('conv_dw_1/bias')!.data]).toEqual([0.5, 0.25, -0.125, 8]);
    expect([...weights.get('logits/kernel')!.data]).toEqual(Array.from({ length: 20 }, (_, i) => (255 - i) / 16 - 1));
    // 0x3555 = 0.333251953125; 0x8000 = -0; 0x0400 = 2^-14 (smallest normal); 0x03ff = largest subnormal; 0x7c00 = Infinity
    const bias = [...weights.get('logits/bias')!.data];
    expect(bias).toEqual([0.333251953125, -0, 2 ** -14, 1023 * 2 ** -24, Number.POSITIVE_INFINITY]);
    expect(Object.is(bias[1], -0)).toBe(true);
    expect(weights.has('logits/kernel/adam_m')).toBe(false);
  });

  it('int32 entries quantized to uint8 are rounded, as tfjs-core decodeWeight does', async () => {
    const { modelJson, shards } = tfjsStyleModel();
    const group = modelJson.weightsManifest[0]!;
    // moving_mean as uint8-quantized int32 (4 bytes instead of 16): values round(q · 0.3 + 0.1).
    group.weights[3] = { name: 'conv1_bn/moving_mean', shape: [4], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.3, min: 0.1 } };
    const g1 = new Uint8Array([...shards.get('group1-shard1of2.bin')!, ...shards.get('group1-shard2of2.bin')!]);
    const rebuilt = new Uint8Array(g1.length - 12);
    rebuilt.set(g1.subarray(0, 132)); // conv1/kernel, gamma, beta
    rebuilt.set([0, 1, 5, 10], 132); // moving_mean
    rebuilt.set(g1.subarray(148), 136); // moving_variance
    const { weights } = await decodeModel(
      modelJson,
      memoryShardReader(new Map([['group1-shard1of2.bin', rebuilt.subarray(0, 60)], ['group1-shard2of2.bin', rebuilt.subarray(60)], ['weights/group2.bin', shards.get('weights/group2.bin')!]])).read,
      { allowNonFinite: true },
    );
    expect([...weights.get('conv1_bn/moving_mean')!.data]).toEqual([0, 0, 2, 3]);
    expect([...weights.get('conv1_bn/moving_variance')!.data]).toEqual([0, 1, 65535, 1000].map((q) => Math.fround(q * 0.001 + 0.5)));
  });

  it('decodeWeightsManifest reads a bare manifest without a graph, in manifest order, with the same checks', async () => {
    const { modelJson, shards } = tfjsStyleModel();
    const reader = memoryShardReader(shards);
    const weights = await decodeWeightsManifest(modelJson.weightsManifest, reader.read, { file: 'tiny-weights_manifest.json', allowNonFinite: true });
    expect([...weights.keys()]).toEqual([
      'conv1/kernel',
      'conv1_bn/gamma',
      'conv1_bn/beta',
      'conv1_bn/moving_mean',
      'conv1_bn/moving_variance',
      'conv_dw_1/depthwise_kernel',
      'conv_dw_1/bias',
      'logits/kernel',
      'logits/bias',
    ]);
    expect(weights.get('conv1/kernel')!.shape).toEqual([3, 3, 3, 4]);
    expect([...weights.get('conv1_bn/gamma')!.data]).toEqual([1, 2 ** -24, 65504, -2]);

    const manifest = structuredClone(modelJson.weightsManifest);
    manifest[1]!.paths[0] = '../../secrets.bin';
    const again = memoryShardReader(shards);
    await expect(decodeWeightsManifest(manifest, again.read, { file: 'tiny-weights_manifest.json' })).rejects.toThrow(
      /^file "tiny-weights_manifest.json": weightsManifest\[1\].paths\[0\]: shard path "..\/..\/secrets.bin" leaves the model folder/,
    );
    expect(again.calls).toEqual([]);
  });

  it('reads shards as ArrayBuffers too, and URLs only with allowUrls', async () => {
    const { modelJson, shards } = tfjsStyleModel();
    const group = modelJson.weightsManifest[1]!;
    group.paths[0] = 'https://models.example/group2.bin';
    const calls: string[] = [];
    const read = async (path: string) => {
      calls.push(path);
      const data = shards.get(path === 'https://models.example/group2.bin' ? 'weights/group2.bin' : path)!;
      return data.slice().buffer;
    };
    await expect(decodeModel(modelJson, read)).rejects.toThrow(/is a URL; only paths inside the model folder are allowed/);
    expect(calls).toEqual([]);
    const { weights } = await decodeModel(modelJson, read, { allowUrls: true, allowNonFinite: true });
    expect(calls).toContain('https://models.example/group2.bin');
    expect([...weights.get('conv_dw_1/bias')!.data]).toEqual([0.5, 0.25, -0.125, 8]);
  });
});

// Keep the type of the document in sync with what encodeModel writes.
const _typed: (m: ModelJSON) => unknown = (m) => m.weightsManifest[0]?.weights[0]?.quantization?.dtype;
void _typed;
