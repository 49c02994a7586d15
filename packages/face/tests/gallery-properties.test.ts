// Property tests (fast-check, seeded, bounded): random mutations of valid gallery JSON (ours and
// face-api's FaceMatcher.toJSON layout) give a FaceMatcherFormatError or a matcher that can match —
// never another exception, a gallery without references, or a non-finite distance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaceMatcher, FaceMatcherFormatError } from '../src/index';

const RUNS = { seed: 20261207, numRuns: 250 };
const DIMENSIONS = 8;
const vector = (k: number) => Array.from({ length: DIMENSIONS }, (_, i) => Math.round(1000 * Math.sin(k * 7 + i)) / 1000);

/** The two layouts a gallery file comes in, written out by hand. */
const ours = { format: 'mobilenet-kit-face-matcher', version: 1, threshold: 0.5, dimensions: DIMENSIONS, labels: [{ label: 'ada', descriptors: [vector(1), vector(2)] }, { label: 'bob', descriptors: [vector(3)] }] };
const faceApi = { distanceThreshold: 0.6, labeledDescriptors: [{ label: 'ada', descriptors: [vector(1)] }, { label: 'bob', descriptors: [vector(3), vector(4)] }] };

const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('[', ']', '{', '}', ',', '"', '-', '1e400', 'NaN', 'null', '[]', '""', '"ada"', '0') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;
function mutate(s: string, m: Mutation): string {
  const at = m.at % (s.length + 1);
  if (m.kind === 'replace') return s.slice(0, at) + m.text + s.slice(at + m.text.length);
  if (m.kind === 'insert') return s.slice(0, at) + m.text + s.slice(at);
  if (m.kind === 'delete') return s.slice(0, at) + s.slice(at + m.length);
  return s.slice(0, at);
}

/** Replaces the value at a random place of a JSON document (found by walking it) with any JSON value. */
function replaceAt(doc: unknown, pick: number, value: unknown): unknown {
  const places: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      places.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(k) : k });
      walk(v);
    }
  };
  const copy = structuredClone(doc);
  walk(copy);
  const place = places[pick % places.length]!;
  (place.parent as Record<string | number, unknown>)[place.key] = value;
  return copy;
}

/** The labels a gallery document names (ours or face-api's layout). */
function documentLabels(doc: unknown): unknown[] {
  const d = doc as { labels?: { label?: unknown }[]; labeledDescriptors?: { label?: unknown }[] };
  return (d.labeledDescriptors ?? d.labels ?? []).map((e) => e?.label);
}

function expectClearOrUsable(run: () => FaceMatcher, doc?: unknown) {
  let matcher: FaceMatcher;
  try {
    matcher = run();
  } catch (e) {
    expect(e, `${(e as Error).name}: ${(e as Error).message}`).toBeInstanceOf(FaceMatcherFormatError);
    expect((e as Error).message).toMatch(/^gallery\.json: /);
    return;
  }
  expect(matcher.size).toBeGreaterThan(0);
  expect(new Set(matcher.labelNames).size).toBe(matcher.labelNames.length);
  const best = matcher.match(vector(1).slice(0, matcher.dimensions).concat(Array(Math.max(0, matcher.dimensions - DIMENSIONS)).fill(0)));
  expect(Number.isFinite(best.distance)).toBe(true);
  expect(matcher.labelNames).toContain(best.nearestLabel);
  // Every person the file names is in the gallery: none is dropped for having no reference.
  if (doc !== undefined) expect(matcher.labelNames).toEqual(documentLabels(doc));
}

describe('gallery JSON properties (fast-check)', () => {
  for (const [name, doc] of [['ours', ours], ["face-api's", faceApi]] as const) {
    it(`${name}: any text mutation gives a FaceMatcherFormatError naming the file, or a usable matcher`, () => {
      expect(FaceMatcher.fromJSON(JSON.stringify(doc), 'gallery.json').size).toBe(3);
      fc.assert(
        fc.property(fc.array(textMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
          const text = mutations.reduce(mutate, JSON.stringify(doc));
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {}
          expectClearOrUsable(() => FaceMatcher.fromJSON(text, 'gallery.json'), parsed);
        }),
        RUNS,
      );
    });

    it(`${name}: any JSON value put anywhere gives a FaceMatcherFormatError or a usable matcher`, () => {
      fc.assert(
        fc.property(fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e39, [], {}, '', 'ada')), (pick, value) => {
          const mutated = replaceAt(doc, pick, value);
          expectClearOrUsable(() => FaceMatcher.fromJSON(JSON.parse(JSON.stringify(mutated)) as unknown, 'gallery.json'), mutated);
          expectClearOrUsable(() => FaceMatcher.fromJSON(mutated, 'gallery.json'), mutated);
        }),
        RUNS,
      );
    });
  }
});
