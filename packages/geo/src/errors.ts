import { OptionError } from '@mobilenet-kit/core';

/** A bad option or argument of the geo package: names the function, the option, the value and what is allowed. */
export class GeoOptionError extends OptionError {
  constructor(where: string, option: string, value: unknown, allowed: string) {
    super(where, option, value, allowed);
    this.name = 'GeoOptionError';
  }
}

/** A location that cannot be used: names the file (and the CSV line where there is one). */
export class LocationError extends Error {
  override readonly name = 'LocationError';
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
  }
}
