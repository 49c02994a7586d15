/**
 * Byte mutations of a valid file, shared by the fast-check properties of the binary readers
 * (convert's ONNX and Keras .h5 imports, classification's IDX reader): overwrite a span with random
 * bytes, insert some, delete a span, truncate. The arbitrary is built from the caller's fast-check (each package has its own copy in
 * its devDependencies; tooling has none), so its type is given at the call site:
 * `byteMutation(fc) as fc.Arbitrary<ByteMutation>`.
 */

export type ByteMutation =
  | { readonly kind: 'set'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number };

/** The part of fast-check's API that byteMutation uses. */
export interface FastCheckLike {
  // biome-ignore lint/suspicious/noExplicitAny: fast-check's own types live in the caller's package
  oneof(...arbitraries: any[]): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  record(model: Record<string, any>): unknown;
  constant(value: unknown): unknown;
  nat(): unknown;
  integer(range: { min: number; max: number }): unknown;
  uint8Array(range: { minLength: number; maxLength: number }): unknown;
}

/**
 * A random ByteMutation: `set` up to `maxSet` bytes, `insert` up to `maxSet` bytes (with `insert: true`),
 * `delete` up to `maxDelete` bytes, or `truncate`; `at` is taken modulo the length.
 */
export function byteMutation(fc: FastCheckLike, o: { maxSet?: number; maxDelete?: number; insert?: boolean } = {}): unknown {
  const bytes = () => fc.uint8Array({ minLength: 1, maxLength: o.maxSet ?? 8 });
  return fc.oneof(
    fc.record({ kind: fc.constant('set'), at: fc.nat(), bytes: bytes() }),
    ...(o.insert ? [fc.record({ kind: fc.constant('insert'), at: fc.nat(), bytes: bytes() })] : []),
    fc.record({ kind: fc.constant('delete'), at: fc.nat(), length: fc.integer({ min: 1, max: o.maxDelete ?? 64 }) }),
    fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  );
}

/** Applies `m` to a copy of `b` (never to `b` itself: a Buffer's slice would be a view, and mutations would add up). */
export function mutateBytes(b: Uint8Array, m: ByteMutation): Uint8Array {
  const at = m.at % (b.length + 1);
  if (m.kind === 'set') {
    const out = Uint8Array.from(b);
    out.set(m.bytes.subarray(0, Math.max(0, b.length - at)), at);
    return out;
  }
  if (m.kind === 'insert') return Uint8Array.from([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
  if (m.kind === 'delete') return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + m.length)]);
  return Uint8Array.from(b.subarray(0, at));
}
