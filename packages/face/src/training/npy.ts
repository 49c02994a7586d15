import { FaceOptionError } from '../errors';

/** A NumPy array read from a `.npy` file: its shape and its values as float64. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DTYPES: Record<string, { bytes: number; read: (view: DataView, offset: number) => number }> = {
  '<f8': { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  '<f4': { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  '|u1': { bytes: 1, read: (v, o) => v.getUint8(o) },
};

/**
 * Reads a NumPy `.npy` file (format versions 1–3, C order, little-endian
 * float64, float32 or uint8): what scikit-image ships its `lfw_subset.npy`
 * in. Anything else is a FaceOptionError naming the file and the header.
 */
export function readNpy(bytes: Uint8Array, source = '.npy file'): NpyArray {
  const fail = (why: string) => new FaceOptionError('readNpy', source, `${bytes.byteLength} bytes`, why);
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a NumPy .npy file (no \\x93NUMPY magic at byte 0)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLength > bytes.byteLength) throw fail(`header of ${headerLength} bytes runs past the end`);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw fail(`header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  const dtype = DTYPES[descr];
  if (!dtype) throw fail(`dtype ${descr} is not supported (supported: ${Object.keys(DTYPES).join(', ')})`);
  if (fortran === 'True') throw fail('Fortran order is not supported');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw fail(`bad shape (${shapeText})`);
  const count = shape.reduce((a, d) => a * d, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.byteLength - dataStart !== count * dtype.bytes) throw fail(`holds ${bytes.byteLength - dataStart} data bytes, shape [${shape.join(', ')}] of ${descr} needs ${count * dtype.bytes}`);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = dtype.read(view, dataStart + i * dtype.bytes);
  return { shape, data };
}
