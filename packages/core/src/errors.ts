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
