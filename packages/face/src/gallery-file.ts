import { JsonInputError, firstNonFinite, parseJsonBounded } from '@mobilenet-kit/core';
import { FaceMatcherFormatError } from './errors';
import { FaceMatcher } from './face-matcher';

/**
 * A binary gallery file, for galleries too large for JSON (10⁶ references of
 * 128 values are 1.3 GB of JSON text, past what V8 can hold in one string):
 *
 *   bytes 0–7   "MKGALLRY"
 *   bytes 8–11  H, the header's length (uint32, little-endian)
 *   then        H bytes of UTF-8 JSON: { format, version, threshold, dimensions, references, people: [names] }
 *   then        zero padding to a multiple of 4
 *   then        references × uint32: each reference's person (an index into people)
 *   then        references × dimensions × float32: the descriptors, row by row
 *
 * Little-endian throughout. The reader checks the header and that the file is
 * exactly as long as the header says before it reads any descriptor, so a
 * damaged or hostile file fails at once without allocating.
 */
export const GALLERY_FILE_MAGIC = 'MKGALLRY';
export const GALLERY_FILE_FORMAT = 'mobilenet-kit-face-gallery';
export const GALLERY_FILE_VERSION = 1;
/** Largest header accepted: the names of 10⁶ people fit many times over. */
export const MAX_GALLERY_HEADER_BYTES = 256 * 1024 * 1024;

const PREFIX = 12;
const align4 = (n: number) => Math.ceil(n / 4) * 4;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Whether bytes start like a binary gallery file (the CLI tells it from JSON by this). */
export function isGalleryFile(bytes: Uint8Array): boolean {
  return bytes.byteLength >= GALLERY_FILE_MAGIC.length && String.fromCharCode(...bytes.subarray(0, GALLERY_FILE_MAGIC.length)) === GALLERY_FILE_MAGIC;
}

/** The matcher as a binary gallery file. */
export function encodeGallery(matcher: FaceMatcher): Uint8Array {
  if (!littleEndian) throw new Error('encodeGallery: this host is big-endian; gallery files are little-endian');
  const { people, rowPeople, rows } = matcher.matrix();
  const header = new TextEncoder().encode(JSON.stringify({ format: GALLERY_FILE_FORMAT, version: GALLERY_FILE_VERSION, threshold: matcher.threshold, dimensions: matcher.dimensions, references: rowPeople.length, people }));
  const peopleAt = align4(PREFIX + header.byteLength);
  const rowsAt = peopleAt + 4 * rowPeople.length;
  const out = new Uint8Array(rowsAt + 4 * rows.length);
  out.set(new TextEncoder().encode(GALLERY_FILE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.byteLength, true);
  out.set(header, PREFIX);
  out.set(new Uint8Array(rowPeople.buffer, rowPeople.byteOffset, rowPeople.byteLength), peopleAt);
  out.set(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength), rowsAt);
  return out;
}

/** A typed view of `bytes` at `offset` when it is aligned, else an aligned copy. */
function view<T extends Float32Array | Uint32Array>(Type: { new (b: ArrayBuffer, o: number, n: number): T; new (n: number): T }, bytes: Uint8Array, offset: number, length: number): T {
  const at = bytes.byteOffset + offset;
  if (at % 4 === 0) return new Type(bytes.buffer as ArrayBuffer, at, length);
  const copy = new Type(length);
  new Uint8Array(copy.buffer).set(bytes.subarray(offset, offset + 4 * length));
  return copy;
}

/**
 * Reads a binary gallery file. Every problem is a FaceMatcherFormatError
 * naming `source` and the byte offset or entry: a bad magic number, a header
 * that is not the expected JSON, a length that disagrees with the header, a
 * reference of a person that does not exist, a person without references,
 * duplicate names, a non-finite value. The descriptors are used in place
 * (not copied) when the bytes are aligned.
 */
export function decodeGallery(bytes: Uint8Array, source = 'gallery file'): FaceMatcher {
  const fail = (what: string): never => {
    throw new FaceMatcherFormatError(`${source}: ${what}`);
  };
  if (!littleEndian) fail('this host is big-endian; gallery files are little-endian');
  if (!isGalleryFile(bytes)) fail(`not a gallery file (its first bytes are not "${GALLERY_FILE_MAGIC}")`);
  if (bytes.byteLength < PREFIX) fail(`is ${bytes.byteLength} bytes long, too short for the ${PREFIX}-byte start (byte offset ${bytes.byteLength})`);
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (headerBytes > MAX_GALLERY_HEADER_BYTES) fail(`header length ${headerBytes} (byte offset 8) is over the limit of ${MAX_GALLERY_HEADER_BYTES} bytes`);
  if (PREFIX + headerBytes > bytes.byteLength) fail(`header length ${headerBytes} (byte offset 8) runs past the end of the file (${bytes.byteLength} bytes)`);
  let header: unknown;
  try {
    header = parseJsonBounded(bytes.subarray(PREFIX, PREFIX + headerBytes), { maxBytes: MAX_GALLERY_HEADER_BYTES, file: `${source} header` });
  } catch (e) {
    fail(e instanceof JsonInputError ? `header (byte offset ${PREFIX}): ${e.message}` : `header (byte offset ${PREFIX}) is not JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(`header (byte offset ${PREFIX}) is not a JSON object`);
  const h = header as Record<string, unknown>;
  if (h.format !== GALLERY_FILE_FORMAT) fail(`header "format" is ${JSON.stringify(h.format)}, expected "${GALLERY_FILE_FORMAT}"`);
  if (h.version !== GALLERY_FILE_VERSION) fail(`header "version" is ${JSON.stringify(h.version)}, this reader knows ${GALLERY_FILE_VERSION}`);
  const { threshold, dimensions, references, people } = h;
  if (typeof threshold !== 'number' || !(threshold > 0) || !Number.isFinite(threshold)) fail(`header "threshold" is ${JSON.stringify(threshold)}, expected a positive number`);
  if (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > 65536) fail(`header "dimensions" is ${JSON.stringify(dimensions)}, expected an integer from 1 to 65536`);
  if (!Number.isInteger(references) || (references as number) < 1) fail(`header "references" is ${JSON.stringify(references)}, expected an integer ≥ 1 (a gallery needs at least one reference)`);
  if (!Array.isArray(people) || people.length === 0) fail('header "people" must be a non-empty array of names');
  const names = people as unknown[];
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (typeof name !== 'string' || name.length === 0) fail(`header people[${i}] is ${JSON.stringify(name)}, expected a non-empty string`);
    const before = seen.get(name as string);
    if (before !== undefined) fail(`header people[${i}] "${name}" is a duplicate of people[${before}]; each person must appear once`);
    seen.set(name as string, i);
  });
  const n = references as number;
  const d = dimensions as number;
  const peopleAt = align4(PREFIX + headerBytes);
  const rowsAt = peopleAt + 4 * n;
  const expected = rowsAt + 4 * n * d;
  if (bytes.byteLength !== expected) {
    fail(`is ${bytes.byteLength} bytes long, but its header promises ${n} references of ${d} values (${expected} bytes)${bytes.byteLength < expected ? ': truncated' : ': extra bytes at the end'}`);
  }
  const rowPeople = view(Uint32Array, bytes, peopleAt, n);
  const counts = new Uint32Array(names.length);
  for (let r = 0; r < n; r++) {
    const p = rowPeople[r]!;
    if (p >= names.length) fail(`reference ${r} (byte offset ${peopleAt + 4 * r}) belongs to person ${p}, but there are ${names.length} people`);
    counts[p]!++;
  }
  const missing = counts.indexOf(0);
  if (missing >= 0) fail(`person ${missing} "${names[missing]}" has no reference descriptor`);
  const rows = view(Float32Array, bytes, rowsAt, n * d);
  const bad = firstNonFinite(rows);
  if (bad >= 0) fail(`reference ${Math.floor(bad / d)} value ${bad % d} (byte offset ${rowsAt + 4 * bad}) is ${rows[bad]}, expected a finite number`);
  return FaceMatcher.fromMatrix(names as string[], rowPeople, rows, { threshold: threshold as number, dimensions: d });
}

/** A gallery file's bytes, either kind: a binary gallery file (told by its first bytes) or FaceMatcher JSON. */
export function readGallery(bytes: Uint8Array, source = 'gallery file'): FaceMatcher {
  return isGalleryFile(bytes) ? decodeGallery(bytes, source) : FaceMatcher.fromJSON(new TextDecoder().decode(bytes), source);
}
