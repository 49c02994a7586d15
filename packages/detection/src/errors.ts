import { OptionError } from '@mobilenet-kit/core';

/**
 * An option of a detection builder or of `detect()` that cannot be used as
 * given: the message names the function and the option, quotes the value and
 * says what is allowed.
 */
export class DetectionOptionError extends OptionError {
  override name = 'DetectionOptionError';
}

/** A pretrained weights file that does not fit the graph it is imported into. */
export class WeightImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightImportError';
  }
}

export function checkPositiveNumber(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new DetectionOptionError(where, option, value, 'expected a positive finite number');
  return value;
}

export function checkPositiveInteger(where: string, option: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new DetectionOptionError(where, option, value, 'expected an integer ≥ 1');
  return value as number;
}

export function checkUnitInterval(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new DetectionOptionError(where, option, value, 'expected a number in [0, 1]');
  return value;
}

/** Throws on option names that the function does not know (a typo would otherwise be ignored silently). */
export function checkKnownOptions(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new DetectionOptionError(where, key, (options as Record<string, unknown>)[key], `unknown option; known options: ${known.join(', ')}`);
  }
}
