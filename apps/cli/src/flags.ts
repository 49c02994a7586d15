import type { FlagSpec } from './command';

/** A flag without a value (`--json`). */
export function booleanFlag(description: string, short?: string): FlagSpec<boolean> {
  return { type: 'boolean', description, ...(short ? { short } : {}), parse: (raw) => raw === true };
}

export interface NumberRule {
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** Smallest allowed value. */
  readonly min?: number;
  /** When true, `min` itself is not allowed (`> min` rather than `≥ min`). */
  readonly exclusiveMin?: boolean;
}

/**
 * A numeric flag. The text must be a plain decimal number (no `1e3`, no hex,
 * no trailing junk: `Number('')` is 0 and `parseFloat('1x')` is 1, both wrong
 * for a flag), then pass the rule.
 */
export function numberFlag(valueName: string, description: string, allowed: string, rule: NumberRule): FlagSpec<number> {
  return {
    type: 'string',
    valueName,
    description,
    allowed,
    parse(raw) {
      if (typeof raw !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw.trim())) return undefined;
      const value = Number(raw);
      if (!Number.isFinite(value)) return undefined;
      if (rule.integer && !Number.isInteger(value)) return undefined;
      if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) return undefined;
      return value;
    },
  };
}

/** A flag whose value is one of a fixed list. */
export function choiceFlag<T extends string>(valueName: string, description: string, choices: readonly T[]): FlagSpec<T> {
  return {
    type: 'string',
    valueName,
    description,
    allowed: `one of ${choices.join(', ')}`,
    parse: (raw) => (typeof raw === 'string' && (choices as readonly string[]).includes(raw) ? (raw as T) : undefined),
  };
}
