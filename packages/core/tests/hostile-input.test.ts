// Hostile input for core's readers: bounded JSON, finite weights, files that are not regular files,
// declared lengths checked before reading. Every case asserts the error's class and its message.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphError, ModelFormatError } from '../src/errors';
import { graphFromJSON, graphToJSON } from '../src/graph-json';
import {
  assertFiniteOutput,
  checkValueDepth,
  decodeModel,
  decodeWeightsManifest,
  encodeModel,
  firstNonFinite,
  float16Bits,
  JsonInputError,
  jsonNestingDepth,
  NonFiniteOutputError,
  parseJsonBounded,
} from '../src/index';
import { checkRegularFile, InputFileError, inputFileError, loadModel, readRegularFile, saveModel } from '../src/node/index';
import { deterministicWeights, memoryShardReader, smallGraph } from './fixtures/model-graph/small-model';

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('parseJsonBounded: one bounded JSON reader', () => {
  const cases: [string, string | Uint8Array, object, string, RegExp][] = [
    ['100 000 nested arrays', deep(100_000), {}, 'depth', /nests deeper than the limit of 256 levels \(level 257 at offset 256; raise it with maxDepth; CLI: --max-json-depth\)/],
    ['100 000 nested objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), {}, 'depth', /nests deeper than the limit of 256 levels/],
    ['depth above a lowered limit', deep(5), { maxDepth: 4 }, 'depth', /limit of 4 levels \(level 5 at offset 4/],
    ['text above the size limit', '[1, 2, 3]', { maxBytes: 4, sizeOption: '--max-json-bytes' }, 'size', /at least 9 bytes, above the limit of 4 bytes \(raise it with --max-json-bytes\)/],
    ['bytes above the size limit', new Uint8Array(10).fill(0x20), { maxBytes: 9 }, 'size', /JSON is 10 bytes, above the limit of 9 bytes/],
    ['invalid UTF-8', new Uint8Array([0x22, 0xff, 0xfe, 0x22]), {}, 'encoding', /is not valid UTF-8 text/],
    ['an empty document', '   ', {}, 'syntax', /is empty, expected JSON/],
    ['a syntax error', '{"a": [1, 2,]}', {}, 'syntax', /not valid JSON: /],
    ['a truncated document', '{"a": [1, 2', {}, 'syntax', /not valid JSON: /],
  ];
  for (const [name, input, options, problem, message] of cases) {
    it(`refuses ${name} (${problem})`, () => {
      let error: unknown;
      try {
        parseJsonBounded(input, { file: 'doc.json', ...options });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JsonInputError);
      expect((error as JsonInputError).problem).toBe(problem);
      expect((error as Error).message).toMatch(/^doc\.json: /);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('counts no brackets inside strings (escaped quotes included) and strips a BOM', () => {
    expect(jsonNestingDepth('["[[[[\\"[[[", {"a": "}}}"}]')).toEqual({ depth: 2, offset: -1 });
    expect(parseJsonBounded('\ufeff{"a":"[[[[[[\\"]"}', { maxDepth: 1 })).toEqual({ a: '[[[[[[\\"]'.replace('\\"', '"') });
    expect(parseJsonBounded(deep(300), { maxDepth: 300 })).toBeInstanceOf(Array);
  });

  it('checks the depth of parsed values without recursion, and refuses cycles', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(() => checkValueDepth(v, { file: 'x' })).toThrow(/x: the value nests deeper than the limit of 256 levels/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => checkValueDepth(cyclic)).toThrow(/\(it refers to itself\)/);
  });
});

describe('graph JSON and model.json are depth-limited', () => {
  it('graphFromJSON: a 100 000-level document is a GraphError, not a stack overflow', () => {
    expect(() => graphFromJSON(deep(100_000))).toThrow(GraphError);
    expect(() => graphFromJSON(deep(100_000))).toThrow(/graph JSON: JSON nests deeper than the limit of 256 levels/);
    expect(() => graphFromJSON('{"format": ')).toThrow(/graph JSON: not valid JSON at line 1, column 12 \(offset 11\)/);
    expect(graphFromJSON(graphToJSON(smallGraph()))).toEqual(smallGraph());
  });

  it('decodeModel: deep text and deep parsed values are ModelFormatErrors naming the file', async () => {
    const read = async () => new Uint8Array();
    await expect(decodeModel(`{"metadata": ${deep(100_000)}}`, read, { file: 'm/model.json' })).rejects.toThrow(
      /^file "m\/model\.json": JSON nests deeper than the limit of 256 levels .*raise it with maxJsonDepth/,
    );
    let v: unknown = 0;
    for (let i = 0; i < 50_000; i++) v = { v };
    await expect(decodeModel({ format: 'mobilenet-kit-model', metadata: v }, read)).rejects.toThrow(/file "model\.json": the value nests deeper/);
    await expect(decodeModel('{"a": 1}', read, { maxJsonBytes: 3 })).rejects.toThrow(/above the limit of 3 bytes \(raise it with maxJsonBytes; CLI: --max-json-bytes\)/);
    await expect(decodeWeightsManifest(deep(1000), read)).rejects.toThrow(/file "weights manifest": JSON nests deeper/);
  });
});

describe('weights must be finite: float32, float16, dequantized uint8', () => {
  const graph = smallGraph();
  async function decodeWith(mutate: (w: Map<string, { shape: readonly number[]; data: Float32Array }>) => void, quantization?: 'float16' | 'uint8') {
    const weights = deterministicWeights(graph);
    mutate(weights as never);
    const { modelJson, shards } = encodeModel(graph, weights, quantization ? { quantization } : {});
    return decodeModel(modelJson, memoryShardReader(new Map(shards.map((s) => [s.path, s.data]))).read);
  }
  const bias = 'logits/bias';
  const cases: [string, number, 'float16' | undefined, RegExp][] = [
    ['float32 NaN', Number.NaN, undefined, /weight "logits\/bias", byte offset \d+: value at index 2 \(NaN\) is not finite; weights must be finite numbers/],
    ['float32 +Infinity', Number.POSITIVE_INFINITY, undefined, /weight "logits\/bias", byte offset \d+: value at index 2 \(Infinity\) is not finite/],
    ['float32 -Infinity', Number.NEGATIVE_INFINITY, undefined, /value at index 2 \(-Infinity\) is not finite/],
    ['float16 NaN', Number.NaN, 'float16', /value at index 2 \(NaN\) is not finite \(float16\)/],
  ];
  for (const [name, value, q, message] of cases) {
    it(`refuses ${name}, naming the tensor and the first bad index`, async () => {
      const error = await decodeWith((w) => {
        w.get(bias)!.data[2] = value;
        w.get(bias)!.data[3] = value;
      }, q).catch((e) => e);
      expect(error).toBeInstanceOf(ModelFormatError);
      expect((error as ModelFormatError).weight).toBe(bias);
      expect(error.message).toMatch(message);
    });
  }

  it('refuses float16 Infinity bits (0x7c00) in a shard, naming the shard and byte offset', async () => {
    const weights = deterministicWeights(graph);
    weights.get(bias)!.data[2] = 12345;
    const { modelJson, shards } = encodeModel(graph, weights, { quantization: 'float16' });
    const marker = float16Bits(12345);
    let patched = 0;
    for (const s of shards) {
      const v = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
      for (let i = 0; i + 1 < s.data.byteLength; i += 2) if (v.getUint16(i, true) === marker) {
          v.setUint16(i, 0x7c00, true);
          patched++;
        }
    }
    expect(patched).toBe(1);
    const error = await decodeModel(modelJson, memoryShardReader(new Map(shards.map((s) => [s.path, s.data]))).read).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/^file "[^"]+\.bin", weight "logits\/bias", byte offset \d+: value at index 2 \(Infinity\) is not finite \(float16\)/);
  });

  it('refuses a uint8 entry whose scale overflows float32 to Infinity, naming the scale', async () => {
    const weights = deterministicWeights(graph);
    const { modelJson, shards } = encodeModel(graph, weights, { quantization: 'uint8' });
    const entry = modelJson.weightsManifest[0]!.weights.find((w) => w.name === 'conv1/kernel')! as { quantization: { scale: number } };
    entry.quantization.scale = 3e38;
    const error = await decodeModel(modelJson, memoryShardReader(new Map(shards.map((s) => [s.path, s.data]))).read).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/weight "conv1\/kernel", byte offset \d+: value at index \d+ \[\d+, \d+, \d+, \d+\] \(Infinity\) is not finite \(uint8, scale 3e\+38, min /);
  });

  it('a tensor of 4 dims reports the coordinate; allowNonFinite keeps the bits', async () => {
    const weights = deterministicWeights(graph);
    weights.get('conv1/kernel')!.data[5] = Number.NaN;
    const { modelJson, shards } = encodeModel(graph, weights);
    const read = memoryShardReader(new Map(shards.map((s) => [s.path, s.data]))).read;
    const [kh, kw, ci, co] = weights.get('conv1/kernel')!.shape as number[];
    const coord = [Math.floor(5 / (kw! * ci! * co!)), Math.floor(5 / (ci! * co!)) % kw!, Math.floor(5 / co!) % ci!, 5 % co!];
    expect(kh).toBeGreaterThan(0);
    await expect(decodeModel(modelJson, read)).rejects.toThrow(`value at index 5 [${coord.join(', ')}] (NaN) is not finite`);
    const kept = await decodeModel(modelJson, read, { allowNonFinite: true });
    expect(Number.isNaN(kept.weights.get('conv1/kernel')!.data[5])).toBe(true);
  });

  it('assertFiniteOutput: an output that overflows at run time is an error, never a number', () => {
    expect(firstNonFinite(new Float32Array([0, 1e38, -3]))).toBe(-1);
    expect(() => assertFiniteOutput('logits', new Float32Array([0.5, Number.NaN]))).toThrow(NonFiniteOutputError);
    expect(() => assertFiniteOutput('logits', [0.5, 0, Number.POSITIVE_INFINITY])).toThrow(
      'model output "logits" is not finite at index 2 (Infinity): the model overflowed or its weights are broken; no result is reported',
    );
  });
});

describe('files that are not what they claim', () => {
  let root: string;
  let modelDir: string;
  let server: net.Server;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'mobilenet-kit-hostile-'));
    modelDir = path.join(root, 'model');
    await saveModel(modelDir, smallGraph(), deterministicWeights(smallGraph()));
    execFileSync('mkfifo', [path.join(root, 'fifo')]);
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(root, 'socket'), resolve));
    await fs.writeFile(path.join(root, 'empty'), '');
    await fs.writeFile(path.join(root, 'ten'), '0123456789');
    await fs.symlink('loop', path.join(root, 'loop'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await fs.rm(root, { recursive: true, force: true });
  });

  const cases: [string, string, object, string, RegExp][] = [
    ['a FIFO', 'fifo', {}, 'not-regular', /image is not a regular file \(a FIFO \(named pipe\)\)$/],
    ['a socket', 'socket', {}, 'not-regular', /image is not a regular file \(a socket\)$/],
    ['a folder', '.', {}, 'not-regular', /image is not a regular file \(a folder\)$/],
    ['a missing file', 'nope', {}, 'not-found', /image not found$/],
    ['a path through a file', 'ten/x', {}, 'not-found', /a part of the path is not a folder/],
    ['an empty file', 'empty', {}, 'empty', /image is empty \(0 bytes\)$/],
    ['a file above maxBytes', 'ten', { maxBytes: 9, sizeOption: '--max-bytes' }, 'too-large', /image is 10 bytes, above the limit of 9 bytes \(raise it with --max-bytes\)/],
    ['a symlink loop', 'loop', {}, 'not-regular', /image is a symbolic link loop$/],
  ];
  for (const [name, file, options, problem, message] of cases) {
    it(`checkRegularFile refuses ${name} before opening it`, async () => {
      const error = await checkRegularFile(path.join(root, file), { what: 'image', ...options }).catch((e) => e);
      expect(error).toBeInstanceOf(InputFileError);
      expect(error.problem).toBe(problem);
      expect(error.message).toMatch(message);
    });
  }

  it('a character device is not a regular file; EACCES/EPERM are "permission denied"', async () => {
    await expect(readRegularFile('/dev/zero', { what: 'gallery' })).rejects.toThrow('/dev/zero: gallery is not a regular file (a character device)');
    for (const code of ['EACCES', 'EPERM']) {
      const e = inputFileError(Object.assign(new Error('x'), { code }), '/a/b.png', 'image');
      expect([e.problem, e.message]).toEqual(['permission', '/a/b.png: permission denied: the image cannot be read']);
    }
    expect((await readRegularFile(path.join(root, 'ten'))).toString()).toBe('0123456789');
  });

  it('loadModel: model.json or a shard that is a FIFO or a folder is "not a regular file", without blocking', async () => {
    const bad = path.join(root, 'fifo-model');
    await fs.cp(modelDir, bad, { recursive: true });
    const shard = (await fs.readdir(bad)).find((f) => f.endsWith('.bin'))!;
    await fs.rm(path.join(bad, shard));
    execFileSync('mkfifo', [path.join(bad, shard)]);
    await expect(loadModel(bad)).rejects.toThrow(`file "${path.join(bad, shard)}": is not a regular file (a FIFO (named pipe))`);
    await fs.rm(path.join(bad, shard));
    await fs.mkdir(path.join(bad, shard));
    await expect(loadModel(bad)).rejects.toThrow(`file "${path.join(bad, shard)}": is not a regular file (a folder)`);
    const jsonFifo = path.join(root, 'json-fifo');
    await fs.mkdir(jsonFifo);
    execFileSync('mkfifo', [path.join(jsonFifo, 'model.json')]);
    await expect(loadModel(jsonFifo)).rejects.toThrow(/model\.json": is not a regular file \(a FIFO \(named pipe\)\)/);
  });

  it('loadModel: a sparse 3 GiB shard fails on its declared size, before any byte is read', async () => {
    const bad = path.join(root, 'sparse-model');
    await fs.cp(modelDir, bad, { recursive: true });
    const shard = (await fs.readdir(bad)).find((f) => f.endsWith('.bin'))!;
    await fs.truncate(path.join(bad, shard), 3 * 1024 ** 3);
    let reads = 0;
    const error = await loadModel(bad, { fs: { readFile: async (p) => {
            reads++;
            return fs.readFile(p);
          }, } }).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/the shards hold more bytes than the manifest describes \(expected \d+ bytes in all, got 3221225472;/);
    expect(reads).toBe(1); // model.json only
  });

  it('loadModel: a 100 000-level model.json and one above maxModelJsonBytes are refused with the option named', async () => {
    const bad = path.join(root, 'deep-model');
    await fs.mkdir(bad);
    await fs.writeFile(path.join(bad, 'model.json'), `{"metadata": ${deep(100_000)}}`);
    await expect(loadModel(bad)).rejects.toThrow(/JSON nests deeper than the limit of 256 levels.*maxJsonDepth/);
    await expect(loadModel(bad, { maxModelJsonBytes: 1000 })).rejects.toThrow(/is 200014 bytes, above the limit of 1000 bytes \(raise it with maxModelJsonBytes; CLI: --max-json-bytes\)/);
  });
});
