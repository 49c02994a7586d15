import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command, CommandArgs, FlagSpecs } from './command';
import { didYouMean } from './suggest';
import { UsageError } from './usage-error';

/** `--help` or `-h` anywhere before a `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function flagList(flags: FlagSpecs): string {
  return Object.entries(flags)
    .map(([name, spec]) => (spec.short ? `-${spec.short}/--${name}` : `--${name}`))
    .join(', ');
}

function parseOptions(flags: FlagSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }]),
  );
}

/**
 * Explains why strict parsing failed, naming the flag and what it allows.
 * The tokens of a lenient parse say which argument is at fault; Node's own
 * message is the fallback.
 */
function explainParseError(command: Command, argv: readonly string[], error: Error & { code?: string }): UsageError {
  const where = `mobilenet-kit ${command.name}`;
  const { tokens } = parseArgs({ args: [...argv], options: parseOptions(command.flags), strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !(token.name in command.flags)) {
      const names = [...Object.keys(command.flags), 'help', 'quiet', 'verbose'].map((n) => `--${n}`);
      const guess = token.rawName.startsWith('--') ? didYouMean(token.rawName, names, (s) => s) : '';
      return new UsageError(`${where}: unknown flag ${token.rawName}${guess}; allowed flags: ${flagList(command.flags)}, -h/--help, -q/--quiet, --verbose`, command.name);
    }
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = tokens.find((t) => t.kind === 'positional');
    const takes = command.positionals?.length ? `takes ${command.positionals.map((p) => `<${p.name}>`).join(' ')}` : 'takes no arguments';
    return new UsageError(`${where}: unexpected argument ${JSON.stringify(extra?.kind === 'positional' ? extra.value : '')} (${command.name} ${takes})`, command.name);
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const named = /Option '(?:-\w, )?--([\w-]+)/.exec(error.message)?.[1];
    const spec = named !== undefined ? command.flags[named] : undefined;
    if (named !== undefined && spec?.type === 'boolean') return new UsageError(`${where}: --${named} takes no value`, command.name);
    if (named !== undefined && spec) {
      // parseArgs will not take `-1` as the value of `--alpha -1`: it looks like a flag.
      const at = argv.findIndex((a) => a === `--${named}` || (spec.short !== undefined && a === `-${spec.short}`));
      const next = at === -1 ? undefined : argv[at + 1];
      const dashed = next?.startsWith('-') ? `; ${JSON.stringify(next)} looks like a flag (write --${named}=${next} to pass it as the value)` : '';
      return new UsageError(`${where}: --${named} needs a value: ${spec.allowed ?? 'see --help'}${dashed}`, command.name);
    }
  }
  return new UsageError(`${where}: ${error.message.split('\n')[0]}`, command.name);
}

/**
 * Parses a command's arguments strictly (unknown flags, missing values and
 * stray arguments are errors) and converts each value with its flag's rule.
 * Throws a UsageError that names the flag, the bad value and what is allowed.
 */
export function parseCommandArgs(command: Command, argv: readonly string[]): CommandArgs<FlagSpecs> {
  const where = `mobilenet-kit ${command.name}`;
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: parseOptions(command.flags), strict: true, allowPositionals: Boolean(command.positionals?.length) });
  } catch (error) {
    const e = error as Error & { code?: string };
    if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) throw explainParseError(command, argv, e);
    throw error;
  }
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.flags)) {
    const raw = parsed.values[name];
    if (raw === undefined) continue;
    // A flag given twice counts once, the last one winning (parseArgs keeps the last unless `multiple`).
    const value = spec.parse(Array.isArray(raw) ? raw[raw.length - 1]! : raw);
    if (value === undefined) {
      const guess = spec.choices && typeof raw === 'string' ? didYouMean(raw, spec.choices) : '';
      throw new UsageError(`${where}: --${name} ${JSON.stringify(raw)} is not allowed${guess}; --${name} takes ${spec.allowed ?? 'no value'}`, command.name);
    }
    flags[name] = value;
  }
  const positionals = command.positionals ?? [];
  const required = positionals.filter((p) => !p.optional).length;
  if (parsed.positionals.length < required) {
    const missing = positionals.slice(parsed.positionals.length).filter((p) => !p.optional);
    throw new UsageError(`${where}: missing ${missing.map((p) => `<${p.name}>`).join(' ')}`, command.name);
  }
  if (parsed.positionals.length > positionals.length && !positionals[positionals.length - 1]?.variadic) {
    const extra = parsed.positionals[positionals.length]!;
    throw new UsageError(`${where}: unexpected argument ${JSON.stringify(extra)} (${command.name} takes ${positionals.map((p) => `<${p.name}>`).join(' ')})`, command.name);
  }
  return { flags, positionals: parsed.positionals };
}
