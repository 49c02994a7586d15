import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from '../errors';
import { type IdxArray, parseIdx } from '../data/idx';

/** Largest decompressed IDX file accepted (the Fashion-MNIST training images are 47 MB). */
export const MAX_IDX_BYTES = 1024 ** 3;

/**
 * Reads an IDX file, gzip'd (detected by its 0x1f8b signature, whatever the
 * name) or raw, and parses it with `parseIdx`. Offsets in errors count bytes
 * of the decompressed data.
 */
export async function readIdxFile(file: string, options: { magic?: number } = {}): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DatasetError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}`, file);
  }
  let name = file;
  if (bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES });
    } catch (e) {
      throw new DatasetError(`gzip data is damaged or truncated (${(e as Error).message})`, file);
    }
    name = `${file} (decompressed)`;
  }
  return parseIdx(bytes, { file: name, ...(options.magic !== undefined ? { magic: options.magic } : {}) });
}
