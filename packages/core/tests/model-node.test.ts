import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../src/errors';
import { loadModel, nodeModelFs, saveModel, type ModelFs } from '../src/node/index';
import { bitsOf, countFloat32Allocations, deterministicWeights, smallGraph } from './fixtures/model-graph/small-model';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mobilenet-kit-model-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const graph = smallGraph();
const weightsA = deterministicWeights(graph, 1);
const weightsB = deterministicWeights(graph, 2);

async function expectWeights(dir: string, expected: typeof weightsA) {
  const { weights } = await loadModel(dir);
  for (const [name, w] of expected) expect(bitsOf(weights.get(name)!.data), name).toEqual(bitsOf(w.data));
}

/** Counts reads of each file while passing through to the real file system. */
function countingFs(): { fs: Partial<ModelFs>; reads: string[] } {
  const reads: string[] = [];
  return { reads, fs: { readFile: async (p) => { reads.push(path.basename(p)); return nodeModelFs.readFile(p); } } };
}

async function caught(promise: Promise<unknown>): Promise<ModelFormatError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return e as ModelFormatError;
  }
  throw new Error('expected a ModelFormatError, nothing was thrown');
}

describe('saveModel / loadModel', () => {
  it('round trips graph, weights (bit-equal) and metadata through a folder', async () => {
    const dir = path.join(root, 'small');
    const saved = await saveModel(dir, graph, weightsA, { shardSizeBytes: 256, metadata: { labels: ['cat', 'dog'] } });
    expect(saved.dir).toBe(dir);
    expect(saved.files).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin', 'model.json']);
    expect((await fs.readdir(dir)).sort()).toEqual([...saved.files].sort());
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('mobilenet-kit-model');
    expect(saved.bytes).toBe(189 * 4 + (await fs.stat(path.join(dir, 'model.json'))).size);
    const loaded = await loadModel(dir);
    expect(loaded.graph).toEqual(graph);
    expect(loaded.metadata).toEqual({ labels: ['cat', 'dog'] });
    await expectWeights(dir, weightsA);
  });

  it('stores quantized weights (uint8: a quarter of the bytes)', async () => {
    const dir = path.join(root, 'q');
    await saveModel(dir, graph, weightsA, { quantization: 'uint8' });
    expect((await fs.stat(path.join(dir, 'group1-shard1of1.bin'))).size).toBe(189);
    const { weights } = await loadModel(dir);
    expect(Math.abs(weights.get('logits/bias')!.data[0]! - weightsA.get('logits/bias')!.data[0]!)).toBeLessThan(4 / 255);
  });

  it('replaces an existing model and leaves nothing else next to it', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    await saveModel(dir, graph, weightsB, { shardSizeBytes: 100 });
    await expectWeights(dir, weightsB);
    expect(await fs.readdir(root)).toEqual(['model']);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.bin'))).toHaveLength(8);
  });

  it('refuses to replace a file, or a folder of other files', async () => {
    await fs.writeFile(path.join(root, 'file'), 'x');
    expect((await caught(saveModel(path.join(root, 'file'), graph, weightsA))).message).toMatch(/exists and is not a folder; refusing to replace it/);
    await fs.mkdir(path.join(root, 'photos'));
    await fs.writeFile(path.join(root, 'photos', 'cat.jpg'), 'x');
    expect((await caught(saveModel(path.join(root, 'photos'), graph, weightsA))).message).toMatch(/is a folder without model.json that holds other files/);
    expect(await fs.readdir(path.join(root, 'photos'))).toEqual(['cat.jpg']);
  });
});

describe('saveModel is atomic', () => {
  const leftovers = async () => (await fs.readdir(root)).filter((f) => f !== 'model');

  it('a failing rename into place keeps the old model and removes the new files', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    const rename: ModelFs['rename'] = async (from, to) => {
      if (from.includes('.tmp-')) throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      return nodeModelFs.rename(from, to);
    };
    const error = await caught(saveModel(dir, graph, weightsB, { fs: { rename } }));
    expect(error.file).toBe(dir);
    expect(error.message).toMatch(/cannot move the new model into place \(the previous model, if any, was restored\): EXDEV/);
    await expectWeights(dir, weightsA);
    expect(await leftovers()).toEqual([]);
  });

  it('a failing move-aside of the old model leaves it untouched', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    const rename: ModelFs['rename'] = async (from, to) => {
      if (from === dir) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
      return nodeModelFs.rename(from, to);
    };
    expect((await caught(saveModel(dir, graph, weightsB, { fs: { rename } }))).message).toMatch(/cannot move the existing model aside \(it is untouched\): EBUSY/);
    await expectWeights(dir, weightsA);
    expect(await leftovers()).toEqual([]);
  });

  it('a write that dies halfway (disk full) keeps the old model and cleans up', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    let writes = 0;
    const writeFileDurably: ModelFs['writeFileDurably'] = async (p, data) => {
      if (++writes === 2) {
        await fs.writeFile(p, data.subarray(0, data.byteLength >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      return nodeModelFs.writeFileDurably(p, data);
    };
    const error = await caught(saveModel(dir, graph, weightsB, { shardSizeBytes: 300, fs: { writeFileDurably } }));
    expect(error.message).toMatch(/writing the model failed \(the existing model, if any, is untouched\): ENOSPC/);
    expect(error.file).toMatch(/\.model\.tmp-/);
    await expectWeights(dir, weightsA);
    expect(await leftovers()).toEqual([]);
  });

  it('a process killed mid-write (nothing cleans up) leaves the old model intact and an inert temp folder', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    // The "kill": the second shard is half written, then nothing after it runs (no cleanup either).
    let writes = 0;
    const killed = Object.assign(new Error('killed'), { code: 'KILLED' });
    const fsHooks: Partial<ModelFs> = {
      writeFileDurably: async (p, data) => {
        if (++writes === 2) {
          await fs.writeFile(p, data.subarray(0, 10));
          throw killed;
        }
        return nodeModelFs.writeFileDurably(p, data);
      },
      rm: async () => {
        throw killed;
      },
    };
    await caught(saveModel(dir, graph, weightsB, { shardSizeBytes: 300, fs: fsHooks }));
    await expectWeights(dir, weightsA);
    const [temp, ...more] = await leftovers();
    expect(more).toEqual([]);
    expect(temp).toMatch(/^\.model\.tmp-\d+-[0-9a-f]{12}$/);
    // model.json is written last, so the leftover is not a loadable model: nobody mistakes it for one.
    expect((await fs.readdir(path.join(root, temp!))).sort()).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin']);
    expect((await caught(loadModel(path.join(root, temp!)))).message).toMatch(/not found: .* is not a model folder/);
    // The next save succeeds next to the leftover.
    await saveModel(dir, graph, weightsB);
    await expectWeights(dir, weightsB);
  });

  it('a failed first save leaves no target folder at all', async () => {
    const dir = path.join(root, 'model');
    const rename: ModelFs['rename'] = async () => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    };
    await caught(saveModel(dir, graph, weightsA, { fs: { rename } }));
    expect(await fs.readdir(root)).toEqual([]);
  });
});

describe('loadModel checks sizes before reading shards', () => {
  it('a truncated shard on disk fails by stat, before any shard is read or any weight allocated', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA, { shardSizeBytes: 300 });
    const shard = path.join(dir, 'group1-shard3of3.bin');
    await fs.truncate(shard, 100);
    const { fs: hooks, reads } = countingFs();
    const { error, count } = await countFloat32Allocations(() => loadModel(dir, { fs: hooks }));
    const e = error as ModelFormatError;
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.file).toBe(shard);
    expect(e.weight).toBe('logits/kernel');
    expect(e.message).toMatch(/truncated \(expected 756 bytes in all, got 700;/);
    expect(reads).toEqual(['model.json']);
    expect(count).toBe(0);
  });

  it('a missing shard file is named', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA, { shardSizeBytes: 300 });
    await fs.rm(path.join(dir, 'group1-shard2of3.bin'));
    const e = await caught(loadModel(dir));
    expect(e.file).toBe(path.join(dir, 'group1-shard2of3.bin'));
    expect(e.message).toMatch(/shard listed in model.json \(weights group 1\) does not exist/);
  });

  it('a shard path outside the folder is refused although the file exists', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    await fs.rename(path.join(dir, 'group1-shard1of1.bin'), path.join(root, 'outside.bin'));
    const jsonFile = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(jsonFile, 'utf8'));
    json.weightsManifest[0].paths = ['../outside.bin'];
    await fs.writeFile(jsonFile, JSON.stringify(json));
    const { fs: hooks, reads } = countingFs();
    const e = await caught(loadModel(dir, { fs: hooks }));
    expect(e.file).toBe(jsonFile);
    expect(e.message).toMatch(/shard path "..\/outside.bin" leaves the model folder/);
    expect(reads).toEqual(['model.json']);
  });

  it('a model.json above maxModelJsonBytes is not read', async () => {
    const dir = path.join(root, 'model');
    await saveModel(dir, graph, weightsA);
    const { fs: hooks, reads } = countingFs();
    const e = await caught(loadModel(dir, { maxModelJsonBytes: 100, fs: hooks }));
    expect(e.file).toBe(path.join(dir, 'model.json'));
    expect(e.message).toMatch(/model.json": is \d+ bytes, above the limit of 100 bytes \(raise it with maxModelJsonBytes; CLI: --max-json-bytes\)/);
    expect(reads).toEqual([]);
  });

  it('no model.json, invalid UTF-8, invalid JSON', async () => {
    expect((await caught(loadModel(root))).message).toMatch(/model.json": not found: .* is not a model folder/);
    const jsonFile = path.join(root, 'model.json');
    await fs.writeFile(jsonFile, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await caught(loadModel(root))).message).toMatch(/is not valid UTF-8 text/);
    await fs.writeFile(jsonFile, '{"format": ');
    const e = await caught(loadModel(root));
    expect(e.file).toBe(jsonFile);
    expect(e.message).toMatch(/not valid JSON/);
  });
});
