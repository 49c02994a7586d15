import { describe, expect, it } from 'vitest';
import { booleanFlag, choiceFlag, numberFlag } from '../src/flags';
import { EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

describe('flag values', () => {
  const alpha = numberFlag({ valueName: 'A', description: 'a', allowed: '> 0', min: 0, exclusiveMin: true });
  const resolution = numberFlag({ valueName: 'R', description: 'r', allowed: '≥ 32', integer: true, min: 32 });

  it('numbers must be plain decimals that pass the rule', () => {
    expect(alpha.parse('0.75')).toBe(0.75);
    expect(alpha.parse('.5')).toBe(0.5);
    expect(alpha.parse('2')).toBe(2);
    for (const bad of ['0', '-0.5', 'abc', '', ' ', '1e3', '0x10', '1.5x', 'Infinity', 'NaN', '1..2']) expect(alpha.parse(bad)).toBeUndefined();
    expect(resolution.parse('32')).toBe(32);
    for (const bad of ['31', '20', '224.5', '-224']) expect(resolution.parse(bad)).toBeUndefined();
  });

  it('choices are exact', () => {
    const variant = choiceFlag({ valueName: 'V', description: 'v', choices: ['standard', 'shallow'] as const });
    expect(variant.parse('shallow')).toBe('shallow');
    expect(variant.parse('Shallow')).toBeUndefined();
    expect(variant.allowed).toBe('one of standard, shallow');
    expect(booleanFlag('b').parse(true)).toBe(true);
  });
});

// Every mistake exits 2 and says, on stderr only, which flag is wrong and what it allows.
describe('usage errors of summary and paper', () => {
  const cases: [string, string[], string[]][] = [
    ['alpha not a number', ['summary', '--alpha', 'abc'], ['--alpha "abc" is not allowed', 'a number > 0', '1, 0.75, 0.5, 0.25']],
    ['alpha zero', ['summary', '--alpha', '0'], ['--alpha "0"', 'a number > 0']],
    ['alpha negative, with =', ['summary', '--alpha=-1'], ['--alpha "-1"', 'a number > 0']],
    ['alpha negative, separate', ['summary', '--alpha', '-1'], ['--alpha needs a value', '"-1" looks like a flag', '--alpha=-1']],
    ['alpha missing', ['summary', '--alpha'], ['--alpha needs a value: a number > 0']],
    ['resolution too small', ['summary', '--resolution', '20'], ['--resolution "20" is not allowed', 'an integer ≥ 32', '224, 192, 160, 128']],
    ['resolution fractional', ['summary', '--resolution', '224.5'], ['--resolution "224.5"', 'an integer ≥ 32']],
    ['unknown variant', ['summary', '--variant', 'nope'], ['--variant "nope" is not allowed', 'one of standard, shallow, fullConv']],
    ['zero classes', ['summary', '--classes', '0'], ['--classes "0"', 'an integer ≥ 1']],
    ['fractional depth multiplier', ['summary', '--depth-multiplier', '1.5'], ['--depth-multiplier "1.5"', 'an integer ≥ 1']],
    ['unknown pooling', ['summary', '--no-top', '--pooling', 'min'], ['--pooling "min"', 'one of avg, max']],
    ['unknown flag', ['summary', '--width', '0.5'], ['unknown flag --width', 'allowed flags: --alpha, --resolution', '-h/--help']],
    ['unknown short flag', ['paper', '-x'], ['unknown flag -x', 'allowed flags: --json, -h/--help']],
    ['value on a boolean flag', ['summary', '--json=yes'], ['--json takes no value']],
    ['stray argument', ['summary', '224'], ['unexpected argument "224"', 'summary takes no arguments']],
    ['paper with a model flag', ['paper', '--alpha', '0.5'], ['unknown flag --alpha']],
  ];
  it.each(cases)('%s', async (_, argv, messages) => {
    const r = await runCli(argv);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    for (const m of messages) expect(r.stderr).toContain(m);
    expect(r.stderr).toContain(`Run 'mobilenet-kit ${argv[0]} --help' for usage.`);
  });

  // Values that pass the flag's own check but that the builder rejects in combination.
  const builderCases: [string, string[], string][] = [
    ['classes without top', ['summary', '--no-top', '--classes', '10'], 'option "classes" = 10 is not allowed; classes only applies with includeTop: true'],
    ['depth multiplier on fullConv', ['summary', '--variant', 'fullConv', '--depth-multiplier', '2'], 'option "depthMultiplier" = 2 is not allowed'],
  ];
  it('--pooling without --no-top is a usage error in the flags\' words (the builder said "includeTop: false")', async () => {
    const r = await runCli(['summary', '--pooling', 'avg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mobilenet-kit summary: --pooling avg needs --no-top (with the classifier on top, pooling is always its average pool)');
  });
  it.each(builderCases)('builder error: %s exits 2 with the builder\'s message', async (_, argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`mobilenet-kit summary: mobilenetV1: ${message}`);
  });

  it('a flag given twice takes the last value', async () => {
    const r = await runCli(['summary', '--alpha', '0.25', '--alpha', '0.5', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model.options.alpha).toBe(0.5);
  });
});
