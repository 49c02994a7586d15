import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../src/errors';
import { decodeModel, encodeModel, type DecodeModelOptions } from '../src/index';
import { countFloat32Allocations, deterministicWeights, memoryShardReader, smallGraph } from './fixtures/model-graph/small-model';

// The valid model every case starts from: 189 float32 values = 756 bytes in
// shards of 300, 300 and 156 bytes. Tensor offsets in the group: conv1/kernel
// 0, conv1_bn/* 432..496, conv_dw_1/depthwise_kernel 496, conv_dw_1/bias 640,
// logits/kernel 656, logits/bias 736..756.
function validModel() {
  const graph = smallGraph();
  const { modelJson, shards } = encodeModel(graph, deterministicWeights(graph), { shardSizeBytes: 300 });
  // biome-ignore lint/suspicious/noExplicitAny: the cases below break the document on purpose
  const doc = JSON.parse(JSON.stringify(modelJson)) as any;
  const data = new Map(shards.map((s) => [s.path, s.data.slice()]));
  return { doc, data };
}

interface Case {
  readonly what: string;
  // biome-ignore lint/suspicious/noExplicitAny: see validModel
  readonly mutate?: (doc: any, shards: Map<string, Uint8Array>) => void;
  /** Replaces the document with this text. */
  readonly text?: string;
  readonly options?: DecodeModelOptions;
  readonly message: RegExp;
  readonly file: string;
  readonly weight?: string;
  readonly offset?: number;
  /** Shards that may be read before the error (none for errors in model.json). */
  readonly reads?: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: entries are broken on purpose
const entry = (doc: { weightsManifest: { weights: { name: string }[] }[] }, name: string): any =>
  doc.weightsManifest[0]!.weights.find((w) => w.name === name)!;

const MANIFEST_ERRORS: Case[] = [
  { what: 'invalid JSON', text: '{"format": "mobilenet-kit-model", "formatVersion": 1,', message: /not valid JSON/, file: 'model.json' },
  { what: 'a document that is not an object', text: '[1, 2]', message: /expected a JSON object, got \[1,2\]/, file: 'model.json' },
  { what: 'an unknown format version', mutate: (d) => { d.formatVersion = 2; }, message: /unsupported format version 2 \(this reader knows version 1\)/, file: 'model.json' },
  {
    what: 'a tfjs layers model instead of ours',
    mutate: (d) => { d.format = 'layers-model'; d.modelTopology = {}; },
    message: /"format" must be "mobilenet-kit-model", got "layers-model" \(this looks like a tfjs model.json/,
    file: 'model.json',
  },
  { what: 'an invalid graph', mutate: (d) => { d.graph.nodes[1].inputs = ['nope']; }, message: /"graph" is not a valid graph: node "conv1" \(conv2d\): dangling input "nope"/, file: 'model.json' },
  { what: 'metadata that is not an object', mutate: (d) => { d.metadata = ['cat']; }, message: /"metadata" must be an object when present, got \["cat"\]/, file: 'model.json' },
  { what: 'a manifest that is not an array', mutate: (d) => { d.weightsManifest = {}; }, message: /"weightsManifest" must be an array of groups, got \{\}/, file: 'model.json' },
  // Shard paths that leave the model folder.
  { what: "a '../' shard path", mutate: (d) => { d.weightsManifest[0].paths[1] = '../x.bin'; }, message: /paths\[1\]: shard path "..\/x.bin" leaves the model folder/, file: 'model.json' },
  { what: 'a deeper ".." segment', mutate: (d) => { d.weightsManifest[0].paths[0] = 'shards/../../x.bin'; }, message: /leaves the model folder/, file: 'model.json' },
  { what: 'an absolute shard path', mutate: (d) => { d.weightsManifest[0].paths[0] = '/etc/passwd'; }, message: /shard path "\/etc\/passwd" is absolute/, file: 'model.json' },
  { what: 'a URL shard path', mutate: (d) => { d.weightsManifest[0].paths[2] = 'http://example.com/w.bin'; }, message: /shard path "http:\/\/example.com\/w.bin" is a URL; .*allowUrls/, file: 'model.json' },
  { what: 'a file: URL', mutate: (d) => { d.weightsManifest[0].paths[2] = 'file:///etc/passwd'; }, message: /is a URL/, file: 'model.json' },
  { what: 'a Windows drive path', mutate: (d) => { d.weightsManifest[0].paths[0] = 'C:\\weights.bin'; }, message: /is a Windows drive path/, file: 'model.json' },
  { what: 'a backslash', mutate: (d) => { d.weightsManifest[0].paths[0] = '..\\weights.bin'; }, message: /contains a backslash/, file: 'model.json' },
  { what: 'a "." segment', mutate: (d) => { d.weightsManifest[0].paths[0] = './group1.bin'; }, message: /has an empty or "." segment/, file: 'model.json' },
  { what: 'an empty path', mutate: (d) => { d.weightsManifest[0].paths[0] = ''; }, message: /a shard path is empty/, file: 'model.json' },
  { what: 'a shard listed twice', mutate: (d) => { d.weightsManifest[0].paths[2] = d.weightsManifest[0].paths[0]; }, message: /paths\[2\]: shard "group1-shard1of3.bin" is listed twice/, file: 'model.json' },
  // Entries.
  {
    what: 'a wrong shape (same byte count)',
    mutate: (d) => { entry(d, 'conv1/kernel').shape = [3, 3, 4, 3]; },
    message: /shape \[3, 3, 4, 3\] does not match the graph's parameter shape \[3, 3, 3, 4\]/,
    file: 'model.json',
    weight: 'conv1/kernel',
  },
  { what: 'a string dtype', mutate: (d) => { entry(d, 'logits/bias').dtype = 'string'; }, message: /dtype "string" is not supported \(expected float32 \| int32\)/, file: 'model.json', weight: 'logits/bias' },
  { what: 'a float64 dtype', mutate: (d) => { entry(d, 'logits/bias').dtype = 'float64'; }, message: /dtype "float64" is not supported/, file: 'model.json', weight: 'logits/bias' },
  {
    what: 'a weight missing',
    mutate: (d) => { d.weightsManifest[0].weights = d.weightsManifest[0].weights.filter((w: { name: string }) => w.name !== 'conv1_bn/beta'); },
    message: /the weights manifest lacks parameter\(s\) of graph "small": "conv1_bn\/beta"/,
    file: 'model.json',
    weight: 'conv1_bn/beta',
  },
  {
    what: 'a weight extra',
    mutate: (d) => { d.weightsManifest[0].weights.push({ name: 'conv1/bias', shape: [4], dtype: 'float32' }); },
    message: /weight is not a parameter of graph "small" \(a weight left over/,
    file: 'model.json',
    weight: 'conv1/bias',
  },
  { what: 'a duplicate entry', mutate: (d) => { d.weightsManifest[0].weights.push(entry(d, 'logits/bias')); }, message: /a second entry with this name/, file: 'model.json', weight: 'logits/bias' },
  {
    what: 'a manifest claiming a 100 GB tensor',
    mutate: (d) => { entry(d, 'conv1/kernel').shape = [100000, 250000]; },
    message: /shape \[100000, 250000\] × 4 bytes claims 1\.000e\+11 bytes, above the limit of 2147483648 bytes \(maxBytes; CLI: --max-weight-bytes\)/,
    file: 'model.json',
    weight: 'conv1/kernel',
  },
  { what: 'a dimension beyond the safe integers', mutate: (d) => { entry(d, 'conv1/kernel').shape = [1e300, 1]; }, message: /shape must be an array of non-negative integers, got \[1e\+300,1\]/, file: 'model.json', weight: 'conv1/kernel' },
  { what: 'a negative dimension', mutate: (d) => { entry(d, 'logits/bias').shape = [-5]; }, message: /non-negative integers, got \[-5\]/, file: 'model.json', weight: 'logits/bias' },
  { what: 'a fractional dimension', mutate: (d) => { entry(d, 'logits/bias').shape = [2.5]; }, message: /non-negative integers, got \[2.5\]/, file: 'model.json', weight: 'logits/bias' },
  {
    what: 'many tensors that are each small but together above maxBytes',
    options: { maxBytes: 500 },
    message: /the shards would hold more than 500 bytes in all \(maxBytes; CLI: --max-weight-bytes\); 640 bytes/,
    file: 'model.json',
    weight: 'conv_dw_1/depthwise_kernel',
  },
  {
    what: 'uint8 quantization without a scale',
    mutate: (d) => { entry(d, 'logits/bias').quantization = { dtype: 'uint8', min: 0 }; },
    message: /uint8 quantization needs a finite "scale", got undefined/,
    file: 'model.json',
    weight: 'logits/bias',
  },
  { what: 'an unknown quantization dtype', mutate: (d) => { entry(d, 'logits/bias').quantization = { dtype: 'int8', scale: 1, min: 0 }; }, message: /quantization dtype "int8" is not supported \(expected uint8 \| uint16 \| float16\)/, file: 'model.json', weight: 'logits/bias' },
  {
    what: 'float16 storage of an int32 weight',
    mutate: (d) => { Object.assign(entry(d, 'logits/bias'), { dtype: 'int32', quantization: { dtype: 'float16' } }); },
    message: /float16 quantization needs dtype float32, got int32/,
    file: 'model.json',
    weight: 'logits/bias',
  },
  { what: 'a group with weights and no shards', mutate: (d) => { d.weightsManifest[0].paths = []; }, message: /weightsManifest\[0\] stores 756 bytes of weights but lists no shard paths/, file: 'model.json' },
];

const SHARD_ERRORS: Case[] = [
  {
    what: 'a truncated .bin',
    mutate: (_d, s) => { s.set('group1-shard3of3.bin', s.get('group1-shard3of3.bin')!.slice(0, 153)); },
    message: /weights group 1: the shards are truncated \(expected 756 bytes in all, got 753; group1-shard1of3.bin \(300 bytes\), group1-shard2of3.bin \(300 bytes\), group1-shard3of3.bin \(153 bytes\)\); weight "logits\/bias" needs bytes 736..756 of the group, the data ends at 753/,
    file: 'group1-shard3of3.bin',
    weight: 'logits/bias',
    offset: 153,
    reads: ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'],
  },
  {
    what: 'an empty middle shard',
    mutate: (_d, s) => { s.set('group1-shard2of3.bin', new Uint8Array(0)); },
    message: /truncated \(expected 756 bytes in all, got 456;.*weight "conv1_bn\/beta" needs bytes 448..464 of the group, the data ends at 456/,
    file: 'group1-shard3of3.bin',
    weight: 'conv1_bn/beta',
    offset: 156,
    reads: ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'],
  },
  {
    what: 'trailing bytes after the last tensor',
    mutate: (_d, s) => { s.set('group1-shard3of3.bin', new Uint8Array(160)); },
    message: /the shards hold more bytes than the manifest describes \(expected 756 bytes in all, got 760;.*after the last weight "logits\/bias"/,
    file: 'group1-shard3of3.bin',
    offset: 156,
    reads: ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'],
  },
  {
    what: 'an oversized first shard (stops before reading the others)',
    mutate: (_d, s) => { s.set('group1-shard1of3.bin', new Uint8Array(1000)); },
    message: /more bytes than the manifest describes \(expected 756 bytes in all, got 1000 so far/,
    file: 'group1-shard1of3.bin',
    offset: 756,
    reads: ['group1-shard1of3.bin'],
  },
  {
    what: 'a shard that cannot be read',
    mutate: (_d, s) => { s.delete('group1-shard2of3.bin'); },
    message: /could not read the shard: no such shard: group1-shard2of3.bin/,
    file: 'group1-shard2of3.bin',
    reads: ['group1-shard1of3.bin', 'group1-shard2of3.bin'],
  },
];

async function decodeCase(c: Case) {
  const { doc, data } = validModel();
  c.mutate?.(doc, data);
  const reader = memoryShardReader(data);
  const outcome = await countFloat32Allocations(() => decodeModel(c.text ?? JSON.stringify(doc), reader.read, c.options));
  return { ...outcome, calls: reader.calls };
}

describe('malformed models: each fails with its own error, before any weight is allocated', () => {
  it('the unmodified model decodes (the corpus starts from a valid model)', async () => {
    const { count, error, calls } = await decodeCase({ what: 'valid', message: /./, file: '' });
    expect(error).toBeUndefined();
    expect(calls).toHaveLength(3);
    expect(count).toBe(9); // one Float32Array per parameter
  });

  for (const c of [...MANIFEST_ERRORS, ...SHARD_ERRORS]) {
    it(c.what, async () => {
      const { count, error, calls } = await decodeCase(c);
      expect(error).toBeInstanceOf(ModelFormatError);
      const e = error as ModelFormatError;
      expect(e.message).toMatch(c.message);
      expect(e.file).toBe(c.file);
      expect(e.weight).toBe(c.weight);
      if (c.offset !== undefined) expect(e.offset).toBe(c.offset);
      expect(e.message.startsWith(`file "${c.file}"`)).toBe(true);
      expect(calls).toEqual(c.reads ?? []);
      expect(count).toBe(0);
    });
  }

  it('every case fails differently (no two cases share a message)', async () => {
    const messages = new Set<string>();
    for (const c of [...MANIFEST_ERRORS, ...SHARD_ERRORS]) messages.add(((await decodeCase(c)).error as Error).message);
    expect(messages.size).toBe(MANIFEST_ERRORS.length + SHARD_ERRORS.length);
  });

  it('a shard reader that returns something other than bytes', async () => {
    const { doc } = validModel();
    const { count, error } = await countFloat32Allocations(() => decodeModel(doc, async () => 'not bytes' as unknown as Uint8Array));
    expect((error as Error).message).toMatch(/file "group1-shard1of3.bin": the shard reader returned string, expected a Uint8Array/);
    expect(count).toBe(0);
  });
});
