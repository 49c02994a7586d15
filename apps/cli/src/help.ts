import type { Command, CommandEntry, FlagSpec } from './command';
import { LIMIT_FLAGS } from './limits';

const HELP_FLAG: FlagSpec<boolean> = { type: 'boolean', short: 'h', description: 'show this help', parse: (raw) => raw === true };

/** Flags every command takes; main() handles them (a command must not define flags with these names). */
export const GLOBAL_FLAGS = ['quiet', 'verbose'] as const;
const GLOBAL_FLAG_SPECS: Readonly<Record<(typeof GLOBAL_FLAGS)[number], FlagSpec<boolean>>> = {
  quiet: { type: 'boolean', short: 'q', description: 'print only results and errors (no progress, backend or note lines)', parse: (raw) => raw === true },
  verbose: { type: 'boolean', description: 'print more detail on stderr (and the stack of an unexpected error)', parse: (raw) => raw === true },
};

/** The exit codes, as every help page states them. */
export const EXIT_CODES_TEXT = 'Exit codes: 0 success, 1 failure (unreadable input, a backend that cannot start, …), 2 usage error (unknown command or flag, bad value, missing argument).';

function flagLabel(name: string, spec: FlagSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

/** Two columns, the second aligned: used for flags and for the command list. */
function twoColumns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}

/** `mobilenet-kit summary [--alpha A] … [--json]`. */
export function usageLine(command: Command): string {
  const flags = Object.entries(command.flags).map(([name, spec]) => `[--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}]`);
  const positionals = (command.positionals ?? []).map((p) => (p.optional ? `[<${p.name}${p.variadic ? '…' : ''}>]` : `<${p.name}${p.variadic ? '…' : ''}>`));
  return ['mobilenet-kit', command.name, ...positionals, ...flags].join(' ');
}

export function commandHelp(command: Command): string {
  const flags = Object.entries({ ...command.flags, ...GLOBAL_FLAG_SPECS, help: HELP_FLAG }).map(
    ([name, spec]) =>
      [flagLabel(name, spec), `${spec.description}${spec.allowed ? `: ${spec.allowed}` : ''}${spec.default !== undefined ? ` (default ${spec.default})` : ''}`] as const,
  );
  const lines = [`mobilenet-kit ${command.name}: ${command.summary}`, '', `Usage: ${usageLine(command)}`, '', command.description, ''];
  if (command.positionals?.length) lines.push('Arguments:', ...twoColumns(command.positionals.map((p) => [`<${p.name}>`, p.description] as const)), '');
  lines.push('Flags:', ...twoColumns(flags));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  lines.push('', EXIT_CODES_TEXT);
  return `${lines.join('\n')}\n`;
}

/** Every command and subcommand of the table, one line each, in table order. */
export function topLevelHelp(commands: readonly CommandEntry[], version: string): string {
  return [
    `mobilenet-kit ${version}: MobileNet v1 (Howard et al. 2017) from the command line`,
    '',
    'Usage: mobilenet-kit <command> [flags]',
    '       mobilenet-kit <command> --help',
    '',
    'Commands:',
    ...twoColumns(commands.map((c) => [c.name, c.summary] as const)),
    '',
    'Flags:',
    ...twoColumns([
      ['-h, --help', 'show this help'],
      ['    --version', 'print the version'],
      ['-q, --quiet', GLOBAL_FLAG_SPECS.quiet.description],
      ['    --verbose', GLOBAL_FLAG_SPECS.verbose.description],
    ]),
    '',
    'Limits (with any command, before or after it):',
    ...twoColumns(Object.entries(LIMIT_FLAGS).map(([name, l]) => [`    --${name} N`, `${l.what} (default ${l.default}; env ${l.env})`] as const)),
    '',
    EXIT_CODES_TEXT,
    'Errors are one line on stderr: mobilenet-kit <command>: <what is wrong>.',
    '',
  ].join('\n');
}
