import { describe, expect, it } from 'vitest';
import { formatValue, OptionError } from '../src/index';

describe('formatValue', () => {
  it('quotes the value exactly as it was given', () => {
    expect(formatValue('a')).toBe('"a"');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(2n)).toBe('2');
    expect(formatValue(Symbol('s'))).toBe('Symbol(s)');
    expect(formatValue(function f() {})).toBe('a function (f)');
    expect(formatValue([1, 'x', Number.NaN])).toBe('[1, "x", NaN]');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it('falls back to String() for values JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).toBe('[object Object]');
  });
});

describe('OptionError', () => {
  it('names the function and option, quotes the value and says what is allowed; the facts are fields', () => {
    const e = new OptionError('build', 'alpha', Number.NaN, 'expected a number in (0, 1]');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('OptionError');
    expect(e.message).toBe('build: option "alpha" = NaN is not allowed; expected a number in (0, 1]');
    expect({ where: e.where, option: e.option, value: e.value, allowed: e.allowed }).toEqual({
      where: 'build',
      option: 'alpha',
      value: Number.NaN,
      allowed: 'expected a number in (0, 1]',
    });
  });

  it('lets subclasses set their own name', () => {
    class PackageOptionError extends OptionError {
      constructor(where: string, option: string, value: unknown, allowed: string) {
        super(where, option, value, allowed);
        this.name = 'PackageOptionError';
      }
    }
    const e = new PackageOptionError('f', 'k', 'v', 'no');
    expect(e).toBeInstanceOf(OptionError);
    expect(e.name).toBe('PackageOptionError');
    expect(e.message).toBe('f: option "k" = "v" is not allowed; no');
  });
});
