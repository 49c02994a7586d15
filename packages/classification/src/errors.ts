/**
 * A dataset file that cannot be read as promised: names the file and, where
 * there is one, the byte offset of the problem.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    message: string,
    readonly file: string,
    readonly offset?: number,
  ) {
    super(`${file}${offset !== undefined ? ` (byte offset ${offset})` : ''}: ${message}`);
  }
}

/** A bad option or argument of this package: names the option, the value and what is allowed. */
export class ClassificationOptionError extends Error {
  override readonly name = 'ClassificationOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    allowed: string,
    where = 'classification',
  ) {
    super(`${where}: ${option} ${formatValue(value)} is not allowed (${allowed})`);
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
