import { OptionError } from '@mobilenet-kit/core';

/**
 * An option of a face builder or function that cannot be used as given: the
 * message names the function and the option, quotes the value and says what
 * is allowed.
 */
export class FaceOptionError extends OptionError {
  override name = 'FaceOptionError';
}

/** A weights file (face-api's recognition net, a detector to initialize from) that does not fit the graph. */
export class FaceWeightImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaceWeightImportError';
  }
}

/** A FaceMatcher JSON document that cannot be loaded: the message says where in it and why. */
export class FaceMatcherFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaceMatcherFormatError';
  }
}

export function checkKnownOptions(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new FaceOptionError(where, key, (options as Record<string, unknown>)[key], `unknown option; known: ${known.join(', ')}`);
  }
}
