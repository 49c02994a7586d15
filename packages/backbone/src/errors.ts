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
 * An option of a backbone builder that cannot be used as given. The message
 * names the option, quotes the value and says what is allowed; the same facts
 * are fields.
 */
export class BackboneOptionError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly where = 'mobilenetV1',
  ) {
    super(`${where}: option "${option}" = ${formatValue(value)} is not allowed; ${allowed}`);
    this.name = 'BackboneOptionError';
  }
}

/** A parameter name that a name map (Keras, TF-slim) does not know. */
export class ParamNameError extends Error {
  constructor(
    readonly paramName: string,
    readonly map: string,
    problem: string,
  ) {
    super(`${map}: cannot map parameter ${formatValue(paramName)}: ${problem}`);
    this.name = 'ParamNameError';
  }
}
