// Property tests (fast-check, seeded, bounded): random byte mutations of valid IDX files, raw and
// gzip'd, give a DatasetError or an array whose dimensions account for every byte — never another
// exception, a hang or an allocation the file does not back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type ByteMutation, byteMutation as sharedByteMutation, mutateBytes } from '../../../tooling/properties/byte-mutations.ts';
import { DatasetError, IDX_IMAGES_MAGIC, parseIdx } from '../src/index';
import { readIdxFile } from '../src/node';

const RUNS = { seed: 20261207, numRuns: 200 };

/** A valid IDX file of three 4×5 "images", written byte by byte (the layout of LeCun's page). */
function validImages(): Uint8Array {
  const header = [0, 0, 0x08, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5];
  return Uint8Array.from([...header, ...Array.from({ length: 60 }, (_, i) => (i * 37) % 256)]);
}

/** A mutation of bytes: overwrite some, insert some, delete a span, truncate (tooling/properties). */
const byteMutation = sharedByteMutation(fc, { maxSet: 6, maxDelete: 12, insert: true }) as fc.Arbitrary<ByteMutation>;

function expectClearOrConsistent(bytes: Uint8Array, run: () => ReturnType<typeof parseIdx>) {
  let result: ReturnType<typeof parseIdx>;
  try {
    result = run();
  } catch (e) {
    expect(e, (e as Error).message).toBeInstanceOf(DatasetError);
    expect((e as Error).message.length).toBeGreaterThan(10);
    return;
  }
  const total = result.dims.reduce((a, d) => a * d, 1);
  expect(result.data.length).toBe(total);
  expect(4 + 4 * result.dims.length + total).toBe(bytes.length);
}

const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-idx-props-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IDX parser properties (fast-check)', () => {
  it('parseIdx: any mutation of a valid file gives a DatasetError or dimensions that account for every byte', () => {
    const valid = validImages();
    expect(parseIdx(valid).dims).toEqual([3, 4, 5]);
    fc.assert(
      fc.property(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const bytes = mutations.reduce(mutateBytes, valid);
        expectClearOrConsistent(bytes, () => parseIdx(bytes));
        expectClearOrConsistent(bytes, () => parseIdx(bytes, { magic: IDX_IMAGES_MAGIC }));
      }),
      RUNS,
    );
  });

  it('a header claiming billions of items in a few bytes is refused at once, without allocating', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 0xffffffff }), { minLength: 1, maxLength: 4 }), (dims) => {
        const header = new Uint8Array(4 + 4 * dims.length + 8);
        const view = new DataView(header.buffer);
        header[2] = 0x08;
        header[3] = dims.length;
        dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
        const product = dims.reduce((a, d) => a * d, 1);
        if (product === 8) return; // the one header these 8 data bytes satisfy
        expect(() => parseIdx(header)).toThrow(DatasetError);
      }),
      RUNS,
    );
  });

  it('readIdxFile: mutated gzip files give a DatasetError naming the file, or a consistent array', async () => {
    const gz = gzipSync(validImages());
    await fc.assert(
      fc.asyncProperty(byteMutation, async (mutation) => {
        const bytes = mutateBytes(gz, mutation);
        const file = path.join(dir, 'mutated.idx.gz');
        writeFileSync(file, bytes);
        try {
          const result = await readIdxFile(file);
          expect(result.data.length).toBe(result.dims.reduce((a, d) => a * d, 1));
        } catch (e) {
          expect(e, (e as Error).message).toBeInstanceOf(DatasetError);
          expect((e as Error).message).toContain('mutated.idx.gz');
        }
      }),
      { seed: 20261207, numRuns: 100 },
    );
  });
});
