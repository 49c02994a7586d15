import { ModelFormatError } from '../errors';
import type { WeightTensor } from '../types';
import { describeIndex, firstNonFinite } from '../input/finite';
import { float16Table } from './float16';
import type { GroupPlan, WeightPlan } from './model-plan';
import { MANIFEST_BYTES_PER_ELEMENT } from './model-json';

/** True where typed arrays store numbers little-endian, the byte order of tfjs weight files. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The shard (by index) and the offset in it of a byte of a group's concatenated shards. */
function locate(sizes: readonly number[], groupOffset: number): { index: number; offset: number } {
  let start = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    if (groupOffset < start + size || i === sizes.length - 1) return { index: i, offset: groupOffset - start };
    start += size;
  }
  return { index: 0, offset: groupOffset };
}

/**
 * Checks the byte lengths of a group's shards against the manifest before
 * any shard is decoded. `sizes` lists the shards read or stat'ed so far, in
 * order; with `complete: false` only an excess is reported (more shards follow).
 * `nameFile` turns a manifest path into the name errors show (e.g. a full path).
 */
export function checkShardSizes(
  group: GroupPlan,
  sizes: readonly number[],
  complete = true,
  nameFile: (path: string) => string = (path) => path,
): void {
  const actual = sizes.reduce((a, b) => a + b, 0);
  const expected = group.byteLength;
  const listing = () => group.paths.map((p, i) => `${p} (${sizes[i] ?? '?'} bytes)`).join(', ');
  if (actual > expected) {
    const at = locate(sizes, expected);
    const last = group.weights[group.weights.length - 1];
    throw new ModelFormatError(
      `weights group ${group.index + 1}: the shards hold more bytes than the manifest describes (expected ${expected} bytes in all, got ${actual}${complete ? '' : ' so far'}; ${listing()}); the extra bytes start after the last weight${last ? ` "${last.name}"` : ''}`,
      { file: nameFile(group.paths[at.index]!), offset: at.offset },
    );
  }
  if (complete && actual < expected) {
    const cut = group.weights.find((w) => w.byteOffset + w.byteLength > actual)!;
    const lastFile = nameFile(group.paths[Math.max(0, sizes.length - 1)] ?? '');
    throw new ModelFormatError(
      `weights group ${group.index + 1}: the shards are truncated (expected ${expected} bytes in all, got ${actual}; ${listing()}); weight "${cut.name}" needs bytes ${cut.byteOffset}..${cut.byteOffset + cut.byteLength} of the group, the data ends at ${actual}`,
      { file: lastFile, weight: cut.name, offset: sizes[sizes.length - 1] ?? 0 },
    );
  }
}

/** The bytes of one tensor: a view into its shard, or a copy when it straddles shards. */
function tensorBytes(w: WeightPlan, shards: readonly Uint8Array[], starts: readonly number[]): Uint8Array {
  let i = 0;
  while (i + 1 < shards.length && starts[i + 1]! <= w.byteOffset) i++;
  const first = shards[i]!;
  const inFirst = w.byteOffset - starts[i]!;
  if (inFirst + w.byteLength <= first.byteLength) return first.subarray(inFirst, inFirst + w.byteLength);
  const bytes = new Uint8Array(w.byteLength);
  let written = 0;
  for (let s = i; written < w.byteLength; s++) {
    const shard = shards[s]!;
    const from = s === i ? inFirst : 0;
    const take = Math.min(shard.byteLength - from, w.byteLength - written);
    bytes.set(shard.subarray(from, from + take), written);
    written += take;
  }
  return bytes;
}

/** Decodes one tensor's stored bytes (little-endian) to float32 values. */
function decodeTensor(w: WeightPlan, bytes: Uint8Array): Float32Array {
  const out = new Float32Array(w.elements);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = w.quantization;
  if (q === undefined) {
    if (w.dtype === 'float32') {
      // A byte copy keeps every bit (NaN payloads included).
      if (HOST_IS_LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
      else for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    } else {
      for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
    }
  } else if (q.dtype === 'float16') {
    const halves = float16Table();
    for (let i = 0; i < out.length; i++) out[i] = halves[view.getUint16(i * 2, true)]!;
  } else {
    // value = q · scale + min (tfjs-core decodeWeight); int32 weights are rounded as tfjs does.
    const round = w.dtype === 'int32';
    for (let i = 0; i < out.length; i++) {
      const stored = q.dtype === 'uint8' ? bytes[i]! : view.getUint16(i * 2, true);
      const value = stored * q.scale + q.min;
      out[i] = round ? Math.round(value) : value;
    }
  }
  return out;
}

/**
 * Decodes the weights of checked groups from their shards (`shards[g]` lists
 * group g's shard bytes in order; their sizes must have passed
 * checkShardSizes). Returns the weights in `order` (the graph's parameter
 * order) or else in manifest order; optimizer entries are left out.
 */
export function decodeShards(
  groups: readonly GroupPlan[],
  shards: readonly (readonly Uint8Array[])[],
  order?: readonly string[],
  options: { readonly allowNonFinite?: boolean } = {},
): Map<string, WeightTensor> {
  const decoded = new Map<string, WeightTensor>();
  for (const group of groups) {
    const data = shards[group.index] ?? [];
    checkShardSizes(group, data.map((d) => d.byteLength));
    const starts: number[] = [];
    let start = 0;
    for (const d of data) {
      starts.push(start);
      start += d.byteLength;
    }
    for (const w of group.weights) {
      if (w.skip) continue;
      const values = decodeTensor(w, tensorBytes(w, data, starts));
      const bad = options.allowNonFinite ? -1 : firstNonFinite(values);
      if (bad >= 0) {
        // Name the shard and the byte offset in it where the bad element is stored.
        const size = w.quantization ? MANIFEST_BYTES_PER_ELEMENT[w.quantization.dtype] : 4;
        const at = w.byteOffset + bad * size;
        let s = 0;
        while (s + 1 < starts.length && starts[s + 1]! <= at) s++;
        const stored = w.quantization ? ` (${w.quantization.dtype}${w.quantization.dtype === 'float16' ? '' : `, scale ${w.quantization.scale}, min ${w.quantization.min}`})` : '';
        throw new ModelFormatError(`value at ${describeIndex(bad, values[bad]!, w.shape)} is not finite${stored}; weights must be finite numbers`, {
          file: group.paths[s],
          weight: w.name,
          offset: at - (starts[s] ?? 0),
        });
      }
      decoded.set(w.name, { shape: [...w.shape], data: values });
    }
  }
  if (!order) return decoded;
  const ordered = new Map<string, WeightTensor>();
  for (const name of order) ordered.set(name, decoded.get(name)!);
  return ordered;
}
