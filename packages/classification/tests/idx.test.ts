import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError, encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from '@mobilenet-kit/classification';
import { readIdxFile } from '@mobilenet-kit/classification/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Hand-made: magic 0x00000803, dims 2 × 2 × 3, then 12 pixel bytes.
const IMAGES = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => i * 10)]);
// magic 0x00000801, dims 3, labels 7 0 9.
const LABELS = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9]);

function errorOf(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('parseIdx', () => {
  it('reads a hand-made image file and a label file', () => {
    const images = parseIdx(IMAGES, { magic: IDX_IMAGES_MAGIC });
    expect(images.magic).toBe(0x803);
    expect(images.dims).toEqual([2, 2, 3]);
    expect([...images.data]).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    const labels = parseIdx(LABELS, { magic: IDX_LABELS_MAGIC });
    expect(labels.dims).toEqual([3]);
    expect([...labels.data]).toEqual([7, 0, 9]);
  });

  it('round-trips encodeIdx', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const bytes = encodeIdx([3, 2], data);
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 8, 2]);
    expect(parseIdx(bytes)).toMatchObject({ magic: 0x802, dims: [3, 2] });
    expect([...parseIdx(bytes).data]).toEqual([...data]);
  });

  it('names the file and offset 0 for a wrong magic number (labels given as images)', () => {
    const e = errorOf(() => parseIdx(LABELS, { file: 'labels.idx', magic: IDX_IMAGES_MAGIC }));
    expect(e.file).toBe('labels.idx');
    expect(e.offset).toBe(0);
    expect(e.message).toContain('labels.idx (byte offset 0)');
    expect(e.message).toContain('0x00000801');
    expect(e.message).toContain('expected 0x00000803');
  });

  it('rejects non-zero leading bytes (a gzip stream passed as is) and other types', () => {
    const gz = gzipSync(IMAGES);
    expect(errorOf(() => parseIdx(gz, { file: 'x.gz' })).message).toMatch(/first two bytes must be zero.*0x1f8b/);
    const floats = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
    const e = errorOf(() => parseIdx(floats, { file: 'f.idx' }));
    expect(e.offset).toBe(2);
    expect(e.message).toContain('float32');
  });

  it('reports a truncated header and truncated data with the file length as offset', () => {
    const header = errorOf(() => parseIdx(IMAGES.subarray(0, 10), { file: 'h.idx' }));
    expect(header.offset).toBe(10);
    expect(header.message).toContain('truncated header');
    const data = errorOf(() => parseIdx(IMAGES.subarray(0, IMAGES.length - 5), { file: 't.idx' }));
    expect(data.offset).toBe(IMAGES.length - 5);
    expect(data.message).toContain('[2, 2, 3]');
    expect(data.message).toContain('1 complete items of 2');
    expect(errorOf(() => parseIdx(new Uint8Array(3), { file: 's.idx' })).message).toContain('too short');
  });

  it('reports bytes after the data at the offset where the data end', () => {
    const longer = new Uint8Array(LABELS.length + 2);
    longer.set(LABELS);
    const e = errorOf(() => parseIdx(longer, { file: 'l.idx' }));
    expect(e.offset).toBe(LABELS.length);
    expect(e.message).toContain('2 unexpected bytes');
  });
});

describe('readIdxFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'idx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads raw and gzip files alike', async () => {
    await writeFile(path.join(dir, 'raw'), IMAGES);
    await writeFile(path.join(dir, 'packed.gz'), gzipSync(IMAGES));
    const raw = await readIdxFile(path.join(dir, 'raw'), { magic: IDX_IMAGES_MAGIC });
    const packed = await readIdxFile(path.join(dir, 'packed.gz'), { magic: IDX_IMAGES_MAGIC });
    expect([...packed.data]).toEqual([...raw.data]);
  });

  it('names the file for a damaged gzip stream, for truncated data inside it and for a missing file', async () => {
    const gz = gzipSync(IMAGES);
    await writeFile(path.join(dir, 'cut.gz'), gz.subarray(0, gz.length - 12));
    await expect(readIdxFile(path.join(dir, 'cut.gz'))).rejects.toThrow(/cut\.gz: gzip data is damaged or truncated/);
    await writeFile(path.join(dir, 'short.gz'), gzipSync(IMAGES.subarray(0, 20)));
    await expect(readIdxFile(path.join(dir, 'short.gz'))).rejects.toThrow(/short\.gz \(decompressed\) \(byte offset 20\): truncated/);
    await expect(readIdxFile(path.join(dir, 'nope'))).rejects.toThrow(/nope: file not found/);
  });
});
