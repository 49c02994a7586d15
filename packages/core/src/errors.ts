import type { OpName } from './types';

export interface GraphErrorDetails {
  /** Name of the node at fault, when there is one. */
  readonly node?: string;
  readonly op?: OpName | string;
  readonly expected?: string;
  readonly actual?: string;
}

/**
 * A graph that cannot be built, validated or run as given. The message names
 * the node, its op, what was expected and what was found; the same facts are
 * fields, so that tools can point at the node.
 */
export class GraphError extends Error {
  readonly node?: string;
  readonly op?: string;
  readonly expected?: string;
  readonly actual?: string;

  constructor(problem: string, details: GraphErrorDetails = {}) {
    const where =
      details.node !== undefined ? `node "${details.node}"${details.op ? ` (${details.op})` : ''}: ` : details.op !== undefined ? `${details.op} node: ` : '';
    const expectation =
      details.expected !== undefined || details.actual !== undefined
        ? ` (expected ${details.expected ?? '?'}, got ${details.actual ?? '?'})`
        : '';
    super(`${where}${problem}${expectation}`);
    this.name = 'GraphError';
    this.node = details.node;
    this.op = details.op;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/** A model file (graph JSON, weights manifest or shard) that cannot be read. */
export class ModelFormatError extends Error {
  readonly file?: string;
  readonly weight?: string;
  readonly offset?: number;

  constructor(problem: string, where: { file?: string; weight?: string; offset?: number } = {}) {
    const parts = [
      where.file !== undefined ? `file "${where.file}"` : '',
      where.weight !== undefined ? `weight "${where.weight}"` : '',
      where.offset !== undefined ? `byte offset ${where.offset}` : '',
    ].filter(Boolean);
    super(parts.length ? `${parts.join(', ')}: ${problem}` : problem);
    this.name = 'ModelFormatError';
    this.file = where.file;
    this.weight = where.weight;
    this.offset = where.offset;
  }
}

/** Formats a shape for messages: `[?, 224, 224, 3]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Formats a value for an error message so that the bad value is quoted exactly (NaN, Infinity, strings in quotes). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * An option of a builder or function that cannot be used as given. The
 * message names the function and the option, quotes the value and says what
 * is allowed; the same facts are fields. Packages subclass it to give the
 * error their own name.
 */
export class OptionError extends Error {
  constructor(
    readonly where: string,
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${where}: option "${option}" = ${formatValue(value)} is not allowed; ${allowed}`);
    this.name = 'OptionError';
  }
}
