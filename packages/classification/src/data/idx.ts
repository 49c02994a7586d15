import { DatasetError } from '../errors';

/**
 * The IDX format (LeCun's MNIST files, also Fashion-MNIST): two zero bytes,
 * a type byte, the number of dimensions, then each dimension as a big-endian
 * uint32, then the values row-major. Only the unsigned-byte type (0x08) is
 * read: it is what (Fashion-)MNIST images and labels use.
 */
export const IDX_UNSIGNED_BYTE = 0x08;
/** Magic numbers as one big-endian uint32: images (ubyte, 3 dims) and labels (ubyte, 1 dim). */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

// Keyed by the type byte: 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e.
const TYPE_NAMES: Readonly<Record<number, string>> = { 8: 'unsigned byte', 9: 'signed byte', 11: 'int16', 12: 'int32', 13: 'float32', 14: 'float64' };

export interface IdxArray {
  /** The magic number as a big-endian uint32 (0x803 for images, 0x801 for labels). */
  readonly magic: number;
  /** Sizes of each dimension: `[count, rows, cols]` for images, `[count]` for labels. */
  readonly dims: readonly number[];
  /** The values (a view into the given bytes, no copy). */
  readonly data: Uint8Array;
}

export interface ParseIdxOptions {
  /** Name of the file, for error messages. Default 'IDX data'. */
  readonly file?: string;
  /** The magic number the caller expects (e.g. IDX_IMAGES_MAGIC); another one is an error. */
  readonly magic?: number;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parses IDX bytes (already decompressed). Checks the magic number, the type
 * and the header, then that the file holds exactly the bytes the dimensions
 * promise. Errors name the file and the byte offset.
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const file = options.file ?? 'IDX data';
  if (bytes.byteLength < 4) throw new DatasetError(`is ${bytes.byteLength} bytes long, too short for the 4-byte IDX magic number`, file, bytes.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  const expectMagic = options.magic;
  const describe = (m: number) => `${hex(m)} (${TYPE_NAMES[(m >> 8) & 0xff] ?? 'unknown type'}, ${m & 0xff} dimension${(m & 0xff) === 1 ? '' : 's'})`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(`bad IDX magic number ${hex(magic)}: the first two bytes must be zero${expectMagic !== undefined ? `; expected ${describe(expectMagic)}` : ''} (a gzip file that was not decompressed starts with 0x1f8b)`, file, 0);
  }
  if (expectMagic !== undefined && magic !== expectMagic) {
    throw new DatasetError(`bad IDX magic number ${describe(magic)}, expected ${describe(expectMagic)}`, file, 0);
  }
  if (type !== IDX_UNSIGNED_BYTE) {
    throw new DatasetError(`IDX type byte 0x${type.toString(16).padStart(2, '0')} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported; only 0x08 (unsigned byte) is`, file, 2);
  }
  if (ndims === 0) throw new DatasetError('IDX header declares 0 dimensions', file, 3);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.byteLength < headerBytes) {
    throw new DatasetError(`truncated header: ${ndims} dimensions need ${headerBytes} header bytes, the file has ${bytes.byteLength}`, file, bytes.byteLength);
  }
  const dims: number[] = [];
  let total = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    total *= d;
  }
  const expected = headerBytes + total;
  if (bytes.byteLength < expected) {
    const itemBytes = total / (dims[0] || 1);
    const complete = itemBytes > 0 ? Math.floor((bytes.byteLength - headerBytes) / itemBytes) : 0;
    throw new DatasetError(
      `truncated: the header promises dimensions [${dims.join(', ')}] (${total} data bytes, ${expected} in all), the file ends after ${bytes.byteLength} bytes (${complete} complete items of ${dims[0]})`,
      file,
      bytes.byteLength,
    );
  }
  if (bytes.byteLength > expected) {
    throw new DatasetError(`${bytes.byteLength - expected} unexpected bytes after the data: dimensions [${dims.join(', ')}] end at byte ${expected}`, file, expected);
  }
  return { magic, dims, data: bytes.subarray(headerBytes) };
}

/** Encodes unsigned bytes as IDX (tests and tools). `dims` must multiply to `data.length`. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const total = dims.reduce((a, b) => a * b, 1);
  if (total !== data.length) throw new RangeError(`encodeIdx: dimensions [${dims.join(', ')}] hold ${total} values, data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
