/**
 * One bounded JSON reader for every JSON document the kit reads (model.json,
 * weights manifests, galleries, checkpoints, caches, sidecar files). The
 * size is checked before anything is decoded and the nesting depth is
 * counted in one linear scan before JSON.parse, so a 100 000-level document
 * fails with a clear error instead of overflowing the stack in the code that
 * walks the parsed value afterwards.
 */

/** Default bound on a JSON document's size: 64 MiB. */
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Default bound on a JSON document's nesting depth (objects and arrays): 256. */
export const DEFAULT_MAX_JSON_DEPTH = 256;

export type JsonProblem = 'size' | 'depth' | 'syntax' | 'encoding';

export interface JsonLimits {
  /** Upper bound on the document's size in bytes (UTF-8); default DEFAULT_MAX_JSON_BYTES. */
  readonly maxBytes?: number;
  /** Upper bound on nesting of objects and arrays; default DEFAULT_MAX_JSON_DEPTH. */
  readonly maxDepth?: number;
}

export interface ParseJsonOptions extends JsonLimits {
  /** What the document is, for messages: a file path or a description ("gallery JSON"). */
  readonly file?: string;
  /** The option or flag that raises the limits, named in the messages (default "maxBytes" / "maxDepth"). */
  readonly sizeOption?: string;
  readonly depthOption?: string;
}

/** A JSON document that is too large, too deep, not UTF-8 or not JSON. */
export class JsonInputError extends Error {
  constructor(
    readonly problem: JsonProblem,
    message: string,
    readonly file?: string,
    /** Character offset of the problem, where there is one. */
    readonly offset?: number,
  ) {
    super(file !== undefined ? `${file}: ${message}` : message);
    this.name = 'JsonInputError';
  }
}

/**
 * The deepest nesting of `text`, stopping at the first position deeper than
 * `limit` (returned as { depth: limit + 1, offset }). Strings are skipped, escapes included.
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return { depth: max, offset: i };
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { depth: max, offset: -1 };
}

function checkLimit(value: number, name: string): number {
  if (!(Number.isFinite(value) && value >= 0) && value !== Number.POSITIVE_INFINITY) throw new RangeError(`parseJsonBounded: ${name} must be a non-negative number, got ${String(value)}`);
  return value;
}

/**
 * Environment variables that set a process's default JSON limits (the CLI's global --max-json-bytes and
 * --max-json-depth set them for the command they run); an option given in a call still wins.
 */
export const JSON_LIMIT_ENV = { maxBytes: 'MOBILENET_KIT_MAX_JSON_BYTES', maxDepth: 'MOBILENET_KIT_MAX_JSON_DEPTH' } as const;

/** A positive integer from the environment variable `name`, if it holds one (undefined in browsers). */
export function envLimit(name: string): number | undefined {
  const raw = typeof process !== 'undefined' ? process.env?.[name] : undefined;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The default of a JSON limit: its environment variable, else DEFAULT_MAX_JSON_BYTES / DEFAULT_MAX_JSON_DEPTH. */
export function jsonLimitDefault(limit: 'maxBytes' | 'maxDepth'): number {
  return envLimit(JSON_LIMIT_ENV[limit]) ?? (limit === 'maxBytes' ? DEFAULT_MAX_JSON_BYTES : DEFAULT_MAX_JSON_DEPTH);
}

/** "maxDepth; CLI: --max-json-depth": the API option, and the CLI flag that raises the same limit (unless the option is a flag already). */
function withCliHint(option: string, flag: string): string {
  return option.startsWith('-') ? option : `${option}; CLI: ${flag}`;
}

/**
 * Parses JSON text (or UTF-8 bytes) within the limits, or throws a
 * JsonInputError naming the file, the limit and the option that raises it.
 */
export function parseJsonBounded(input: string | Uint8Array, options: ParseJsonOptions = {}): unknown {
  const maxBytes = checkLimit(options.maxBytes ?? jsonLimitDefault('maxBytes'), 'maxBytes');
  const maxDepth = checkLimit(options.maxDepth ?? jsonLimitDefault('maxDepth'), 'maxDepth');
  const sizeOption = withCliHint(options.sizeOption ?? 'maxBytes', '--max-json-bytes');
  const depthOption = withCliHint(options.depthOption ?? 'maxDepth', '--max-json-depth');
  let text: string;
  if (typeof input === 'string') {
    // UTF-8 length is at least the UTF-16 length / 1 and at most 3 bytes per unit: check cheaply first.
    if (input.length > maxBytes) throw new JsonInputError('size', `JSON is at least ${input.length} bytes, above the limit of ${maxBytes} bytes (raise it with ${sizeOption})`, options.file);
    text = input;
  } else {
    if (input.byteLength > maxBytes) throw new JsonInputError('size', `JSON is ${input.byteLength} bytes, above the limit of ${maxBytes} bytes (raise it with ${sizeOption})`, options.file);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new JsonInputError('encoding', 'is not valid UTF-8 text', options.file);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { depth, offset } = jsonNestingDepth(text, maxDepth);
  if (depth > maxDepth) {
    throw new JsonInputError('depth', `JSON nests deeper than the limit of ${maxDepth} levels (level ${depth} at offset ${offset}; raise it with ${depthOption})`, options.file, offset);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    if (text.trim() === '') throw new JsonInputError('syntax', 'is empty, expected JSON', options.file, 0);
    throw new JsonInputError('syntax', `not valid JSON: ${message}`, options.file);
  }
}

/**
 * The nesting depth of an already parsed value (objects and arrays), found
 * without recursion and stopping once it passes `limit`. Cycles count as
 * deeper than any limit.
 */
export function valueNestingDepth(value: unknown, limit = jsonLimitDefault('maxDepth')): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  const seen = new Set<object>();
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (seen.has(v)) return Number.POSITIVE_INFINITY;
    seen.add(v);
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return max;
}

/** Throws a JsonInputError ('depth') when a parsed value nests deeper than `maxDepth`. */
export function checkValueDepth(value: unknown, options: ParseJsonOptions = {}): void {
  const maxDepth = options.maxDepth ?? jsonLimitDefault('maxDepth');
  const depth = valueNestingDepth(value, maxDepth);
  if (depth > maxDepth) {
    throw new JsonInputError('depth', `the value nests deeper than the limit of ${maxDepth} levels${depth === Number.POSITIVE_INFINITY ? ' (it refers to itself)' : ''} (raise it with ${withCliHint(options.depthOption ?? 'maxDepth', '--max-json-depth')})`, options.file);
  }
}
