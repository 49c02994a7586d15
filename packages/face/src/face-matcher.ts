import { JsonInputError, parseJsonBounded } from '@mobilenet-kit/core';
import { FaceMatcherFormatError, FaceOptionError } from './errors';

/**
 * face-api's default distance threshold (FaceMatcher, `distanceThreshold =
 * 0.6`, from dlib's face recognition model: same person below 0.6
 * euclidean, on face-api's landmark-aligned crops). Used for face-api's own
 * matcher JSON when it names no threshold.
 */
export const FACE_API_DISTANCE_THRESHOLD = 0.6;

/**
 * FaceMatcher's default threshold, measured, for the teacher's descriptors
 * on our unaligned square crops: `mobilenet-kit train face-distill` (seed 1)
 * holds out 29 faces of the offline photos; each of 232 augmented held-out
 * views against its own original (same) and the 28 other originals
 * (6,496 different pairs) gives the equal error rate 0.86% at 0.504 (FAR ≤ 1%
 * up to 0.510; at face-api's 0.6 the FAR is 9.6%). Rounded to 0.5. The
 * curve is in the README. Same-face pairs are re-crops of one photo, so this
 * is a threshold for "the same face", tighter than "the same person in
 * another photo" would need. A student's descriptors are unit length and
 * have their own measured threshold (its model's metadata).
 */
export const DEFAULT_FACE_DISTANCE_THRESHOLD = 0.5;
export const FACE_MATCHER_FORMAT = 'mobilenet-kit-face-matcher';
export const FACE_MATCHER_FORMAT_VERSION = 1;
/** The label of a descriptor that matches nobody under the threshold (face-api's word). */
export const UNKNOWN_LABEL = 'unknown';

export interface LabeledDescriptors {
  readonly label: string;
  readonly descriptors: readonly Float32Array[];
}

export interface FaceMatch {
  /** The best label, or `unknown` when its distance is not below the threshold. */
  readonly label: string;
  /** Euclidean distance to the nearest reference descriptor of the best label. */
  readonly distance: number;
  /** The best label whatever the threshold (null with an empty matcher). */
  readonly nearestLabel: string | null;
}

/** The document FaceMatcher.toJSON writes. */
export interface FaceMatcherJSON {
  readonly format: typeof FACE_MATCHER_FORMAT;
  readonly version: number;
  readonly threshold: number;
  readonly dimensions: number;
  readonly labels: { readonly label: string; readonly descriptors: number[][] }[];
}

export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/**
 * Labeled reference descriptors (several per label) and a distance
 * threshold. A query matches the label of its nearest reference descriptor
 * (euclidean) when that distance is below the threshold, else `unknown`.
 * face-api's FaceMatcher compares with the mean distance to each label's
 * descriptors instead; the nearest reference tolerates one odd reference
 * photo better.
 */
export class FaceMatcher {
  readonly threshold: number;
  readonly dimensions: number;
  /** The people, in the order they were first added. */
  private readonly people: string[] = [];
  private readonly personIndex = new Map<string, number>();
  // The references as one row-major matrix (and each row's person), grown by doubling: a gallery
  // of 10⁶ references is one 512 MB buffer (128-d) instead of 10⁶ small arrays, and match() scans it linearly.
  private rows: Float32Array = new Float32Array(0);
  private rowPeople: Uint32Array = new Uint32Array(0);
  private count = 0;

  constructor(labeled: readonly LabeledDescriptors[], options: { threshold?: number; dimensions?: number } = {}) {
    if (!Array.isArray(labeled)) throw new FaceOptionError('FaceMatcher', 'labeled', labeled, 'expected an array of { label, descriptors }');
    const threshold = options.threshold ?? DEFAULT_FACE_DISTANCE_THRESHOLD;
    if (typeof threshold !== 'number' || !(threshold > 0) || !Number.isFinite(threshold)) throw new FaceOptionError('FaceMatcher', 'threshold', threshold, 'expected a positive finite distance');
    this.threshold = threshold;
    const dimensions = options.dimensions ?? labeled[0]?.descriptors[0]?.length;
    if (!Number.isInteger(dimensions) || (dimensions as number) < 1) {
      throw new FaceOptionError('FaceMatcher', 'dimensions', dimensions, 'expected an integer ≥ 1 (or at least one reference descriptor to take it from)');
    }
    this.dimensions = dimensions as number;
    for (const { label, descriptors } of labeled) for (const d of descriptors) this.add(label, d);
  }

  /**
   * A matcher over a reference matrix as it lies in a file (`decodeGallery`): `rows` holds
   * `rowPeople.length` descriptors of `dimensions` values, row r belonging to `people[rowPeople[r]]`.
   * Used as given, not copied; the caller has checked every value.
   */
  static fromMatrix(people: readonly string[], rowPeople: Uint32Array, rows: Float32Array, options: { threshold: number; dimensions: number }): FaceMatcher {
    const matcher = new FaceMatcher([], options);
    for (const [i, person] of people.entries()) {
      matcher.people.push(person);
      matcher.personIndex.set(person, i);
    }
    matcher.rows = rows;
    matcher.rowPeople = rowPeople;
    matcher.count = rowPeople.length;
    return matcher;
  }

  /** The same references under another threshold (shared, not copied). */
  withThreshold(threshold: number): FaceMatcher {
    return FaceMatcher.fromMatrix(this.people, this.rowPeople.subarray(0, this.count), this.rows.subarray(0, this.count * this.dimensions), { threshold, dimensions: this.dimensions });
  }

  /** The reference matrix (views, not copies): what `encodeGallery` writes. */
  matrix(): { readonly people: readonly string[]; readonly rowPeople: Uint32Array; readonly rows: Float32Array } {
    return { people: this.people, rowPeople: this.rowPeople.subarray(0, this.count), rows: this.rows.subarray(0, this.count * this.dimensions) };
  }

  /** Adds one reference descriptor to a label (creating the label). */
  add(label: string, descriptor: ArrayLike<number>): void {
    if (typeof label !== 'string' || label.length === 0) throw new FaceOptionError('FaceMatcher.add', 'label', label, 'expected a non-empty string');
    const vector = this.checkDescriptor(descriptor, `descriptor of "${label}"`);
    let person = this.personIndex.get(label);
    if (person === undefined) {
      person = this.people.length;
      this.people.push(label);
      this.personIndex.set(label, person);
    }
    if (this.count === this.rowPeople.length) {
      const capacity = Math.max(16, 2 * this.count);
      const rows = new Float32Array(capacity * this.dimensions);
      rows.set(this.rows.subarray(0, this.count * this.dimensions));
      const rowPeople = new Uint32Array(capacity);
      rowPeople.set(this.rowPeople.subarray(0, this.count));
      this.rows = rows;
      this.rowPeople = rowPeople;
    }
    this.rows.set(vector, this.count * this.dimensions);
    this.rowPeople[this.count] = person;
    this.count++;
  }

  get labelNames(): string[] {
    return [...this.people];
  }

  get size(): number {
    return this.count;
  }

  /** The best match of one descriptor. */
  match(descriptor: ArrayLike<number>): FaceMatch {
    const query = this.checkDescriptor(descriptor, 'query descriptor');
    const { rows, dimensions } = this;
    let bestRow = -1;
    let bestSquared = Number.POSITIVE_INFINITY;
    for (let r = 0, o = 0; r < this.count; r++, o += dimensions) {
      let sum = 0;
      for (let i = 0; i < dimensions && sum < bestSquared; i++) {
        const d = query[i]! - rows[o + i]!;
        sum += d * d;
      }
      if (sum < bestSquared) {
        bestSquared = sum;
        bestRow = r;
      }
    }
    const best = bestRow < 0 ? null : this.people[this.rowPeople[bestRow]!]!;
    const bestDistance = Math.sqrt(bestSquared);
    return { label: best !== null && bestDistance < this.threshold ? best : UNKNOWN_LABEL, distance: bestDistance, nearestLabel: best };
  }

  toJSON(): FaceMatcherJSON {
    const descriptors: number[][][] = this.people.map(() => []);
    for (let r = 0; r < this.count; r++) descriptors[this.rowPeople[r]!]!.push(Array.from(this.rows.subarray(r * this.dimensions, (r + 1) * this.dimensions)));
    return {
      format: FACE_MATCHER_FORMAT,
      version: FACE_MATCHER_FORMAT_VERSION,
      threshold: this.threshold,
      dimensions: this.dimensions,
      labels: this.people.map((label, i) => ({ label, descriptors: descriptors[i]! })),
    };
  }

  /**
   * Reads a matcher from JSON text or a parsed value: our format, or
   * face-api's FaceMatcher.toJSON() (`{ distanceThreshold,
   * labeledDescriptors: [{ label, descriptors }] }`). Every problem is a
   * FaceMatcherFormatError naming `source` and the place in the document.
   */
  static fromJSON(json: unknown, source = 'face matcher JSON'): FaceMatcher {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = parseJsonBounded(json);
      } catch (e) {
        if (e instanceof JsonInputError && e.problem === 'size') {
          throw new FaceMatcherFormatError(`${source}: ${e.message}; a gallery this large belongs in a binary gallery file (encodeGallery; mobilenet-kit match --save-gallery to a name not ending in .json)`);
        }
        if (e instanceof JsonInputError && e.problem !== 'syntax') throw new FaceMatcherFormatError(`${source}: ${e.message}`);
        throw new FaceMatcherFormatError(`${source}: not valid JSON (${(e as Error).message.replace(/^not valid JSON: /, '')})`);
      }
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FaceMatcherFormatError(`${source}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
    const doc = value as Record<string, unknown>;
    const isFaceApi = 'labeledDescriptors' in doc;
    if (!isFaceApi && doc.format !== FACE_MATCHER_FORMAT) {
      throw new FaceMatcherFormatError(`${source}: "format" is ${JSON.stringify(doc.format)}, expected "${FACE_MATCHER_FORMAT}" (or face-api's { distanceThreshold, labeledDescriptors })`);
    }
    if (!isFaceApi && doc.version !== FACE_MATCHER_FORMAT_VERSION) throw new FaceMatcherFormatError(`${source}: "version" is ${JSON.stringify(doc.version)}, this reader knows ${FACE_MATCHER_FORMAT_VERSION}`);
    const thresholdKey = isFaceApi ? 'distanceThreshold' : 'threshold';
    const threshold = doc[thresholdKey] ?? (isFaceApi ? FACE_API_DISTANCE_THRESHOLD : undefined);
    if (typeof threshold !== 'number' || !(threshold > 0) || !Number.isFinite(threshold)) throw new FaceMatcherFormatError(`${source}: "${thresholdKey}" is ${JSON.stringify(threshold)}, expected a positive number`);
    const labelsKey = isFaceApi ? 'labeledDescriptors' : 'labels';
    const entries = doc[labelsKey];
    if (!Array.isArray(entries)) throw new FaceMatcherFormatError(`${source}: "${labelsKey}" must be an array of { label, descriptors }`);
    if (entries.length === 0) throw new FaceMatcherFormatError(`${source}: "${labelsKey}" is empty: a gallery needs at least one labelled person`);
    const firstIndex = new Map<string, number>();
    for (const [i, entry] of entries.entries()) {
      const label = (entry as { label?: unknown } | null)?.label;
      if (typeof label !== 'string') continue;
      const before = firstIndex.get(label);
      if (before !== undefined) throw new FaceMatcherFormatError(`${source}: ${labelsKey}[${i}].label "${label}" is a duplicate of ${labelsKey}[${before}]; each person must appear once`);
      firstIndex.set(label, i);
    }
    let dimensions = isFaceApi ? undefined : doc.dimensions;
    if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1)) throw new FaceMatcherFormatError(`${source}: "dimensions" is ${JSON.stringify(dimensions)}, expected an integer ≥ 1`);
    const labeled: LabeledDescriptors[] = entries.map((entry: unknown, i: number) => {
      const at = `${labelsKey}[${i}]`;
      const e = entry as { label?: unknown; descriptors?: unknown } | null;
      if (!e || typeof e !== 'object' || typeof e.label !== 'string' || e.label.length === 0) throw new FaceMatcherFormatError(`${source}: ${at}.label must be a non-empty string`);
      if (!Array.isArray(e.descriptors)) throw new FaceMatcherFormatError(`${source}: ${at}.descriptors must be an array of number arrays`);
      if (e.descriptors.length === 0) throw new FaceMatcherFormatError(`${source}: ${at}.descriptors is empty (label "${e.label}"): each person needs at least one reference descriptor`);
      const descriptors = e.descriptors.map((d: unknown, j: number) => {
        const where = `${at}.descriptors[${j}] (label "${e.label}")`;
        if (!Array.isArray(d)) throw new FaceMatcherFormatError(`${source}: ${where} must be an array of numbers`);
        dimensions ??= d.length;
        if (d.length !== dimensions) throw new FaceMatcherFormatError(`${source}: ${where} has ${d.length} values, expected ${dimensions}`);
        // 1e400 parses to Infinity and 1e39 overflows float32: both are reported as numbers, not as "null".
        const bad = d.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x) || Math.abs(x) > 3.4028234663852886e38);
        if (bad >= 0) {
          const x = d[bad];
          const shown = typeof x === 'number' ? `${String(x)}${Number.isFinite(x) ? ' (beyond float32)' : Number.isNaN(x) ? '' : ' (the number overflows)'}` : JSON.stringify(x);
          throw new FaceMatcherFormatError(`${source}: ${where}[${bad}] is ${shown}, expected a finite number`);
        }
        return Float32Array.from(d as number[]);
      });
      return { label: e.label, descriptors };
    });
    if (dimensions === undefined) throw new FaceMatcherFormatError(`${source}: no descriptors, and no "dimensions" to say how long they are`);
    return new FaceMatcher(labeled, { threshold, dimensions: dimensions as number });
  }

  private checkDescriptor(descriptor: ArrayLike<number>, what: string): Float32Array {
    if (!descriptor || typeof descriptor !== 'object' || typeof descriptor.length !== 'number') throw new FaceOptionError('FaceMatcher', what, descriptor, `expected an array of ${this.dimensions} numbers`);
    if (descriptor.length !== this.dimensions) throw new FaceOptionError('FaceMatcher', what, `${descriptor.length} values`, `expected ${this.dimensions} values (the matcher's descriptor length)`);
    for (let i = 0; i < descriptor.length; i++) {
      if (!Number.isFinite(descriptor[i])) throw new FaceOptionError('FaceMatcher', `${what}[${i}]`, descriptor[i], 'expected a finite number');
    }
    return Float32Array.from(descriptor);
  }
}
