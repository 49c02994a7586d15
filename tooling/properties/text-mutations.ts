/**
 * Text mutations of a valid JSON document, shared by the fast-check properties of the JSON readers
 * (core's model.json, convert's tfjs-layers model.json and Teachable Machine metadata.json): replace,
 * insert (JSON's own punctuation and hostile literals) or delete a span, or truncate. Built from the
 * caller's fast-check (tooling has none): `textMutation(fc) as fc.Arbitrary<TextMutation>`.
 */
import type { FastCheckLike } from './byte-mutations.ts';

export type TextMutation =
  | { readonly kind: 'replace'; readonly at: number; readonly text: string }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number };

/** What `insert` puts in: JSON punctuation, hostile numbers and literals, a path out of the folder. */
export const HOSTILE_JSON_SNIPPETS = ['[', '{', ']', '"', ',', '-1', '1e400', 'NaN', 'null', '"../x"', '{"a":', '0.5'] as const;

export function textMutation(fc: FastCheckLike & { string(o: { maxLength: number }): unknown; constantFrom(...values: unknown[]): unknown }): unknown {
  return fc.oneof(
    fc.record({ kind: fc.constant('replace'), at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
    fc.record({ kind: fc.constant('insert'), at: fc.nat(), text: fc.constantFrom(...HOSTILE_JSON_SNIPPETS) }),
    fc.record({ kind: fc.constant('delete'), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  );
}

export function mutateText(s: string, m: TextMutation): string {
  const at = m.at % (s.length + 1);
  if (m.kind === 'replace') return s.slice(0, at) + m.text + s.slice(at + m.text.length);
  if (m.kind === 'insert') return s.slice(0, at) + m.text + s.slice(at);
  if (m.kind === 'delete') return s.slice(0, at) + s.slice(at + m.length);
  return s.slice(0, at);
}
