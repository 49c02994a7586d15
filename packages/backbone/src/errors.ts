import { formatValue, OptionError } from '@mobilenet-kit/core';

export { formatValue };

/**
 * An option of a backbone builder that cannot be used as given. The message
 * names the option, quotes the value and says what is allowed; the same facts
 * are fields.
 */
export class BackboneOptionError extends OptionError {
  constructor(option: string, value: unknown, allowed: string, where = 'mobilenetV1') {
    super(where, option, value, allowed);
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
