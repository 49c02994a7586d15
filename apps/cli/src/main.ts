import { parseCommandArgs, wantsHelp } from './args';
import { type Command, type CommandEntry, entryOf } from './command';
import { COMMANDS } from './commands';
import { commandHelp, GLOBAL_FLAGS, topLevelHelp } from './help';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type TextSink } from './io';
import { applyLimits, limitFlags } from './limits';
import { closest, didYouMean } from './suggest';
import { UsageError } from './usage-error';
import { VERSION } from './version';

const PREFIX = 'mobilenet-kit';

/** `mobilenet-kit <command>: <message>`, unless the message already carries the prefix. */
function withPrefix(message: string, command?: string): string {
  if (message.startsWith(`${PREFIX} `) || message.startsWith(`${PREFIX}:`)) return message;
  return `${command ? `${PREFIX} ${command}` : PREFIX}: ${message}`;
}

function usageFailure(io: CliIo, error: UsageError, fallbackCommand?: string): number {
  const command = error.command ?? fallbackCommand;
  const hint = command ? `${PREFIX} ${command} --help` : `${PREFIX} --help`;
  io.stderr.write(`${withPrefix(error.message, command)}\nRun '${hint}' for usage.\n`);
  return EXIT_USAGE;
}

/**
 * --quiet's stderr: only the lines that start with `mobilenet-kit ` (errors
 * and warnings, in the one message format) pass; progress, backend lines and
 * notes are dropped. Not a terminal, so progress bars stay off.
 */
function quietSink(sink: TextSink): TextSink & { flush(): void } {
  let pending = '';
  const pass = (line: string) => {
    if (line.startsWith(`${PREFIX} `) || line.startsWith(`${PREFIX}:`)) sink.write(`${line}\n`);
  };
  return {
    write(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) pass(line.slice(line.lastIndexOf('\r') + 1));
      return true;
    },
    flush() {
      if (pending) pass(pending.slice(pending.lastIndexOf('\r') + 1));
      pending = '';
    },
  };
}

/** Takes --quiet/-q and --verbose out of the arguments (anywhere before a `--`). */
function globalFlags(argv: readonly string[]): { args: string[]; quiet: boolean; verbose: boolean } {
  const end = argv.indexOf('--');
  const head = end === -1 ? [...argv] : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const quiet = head.some((a) => a === '--quiet' || a === '-q');
  const verbose = head.some((a) => a === '--verbose');
  const args = [...head.filter((a) => a !== '--quiet' && a !== '-q' && a !== '--verbose'), ...tail];
  return { args, quiet, verbose };
}

function toEntries(commands: readonly (Command | CommandEntry)[]): CommandEntry[] {
  return commands.flatMap((c) => ('load' in c ? [c] : entryOf(c)));
}

/**
 * Runs `mobilenet-kit` with the arguments after the program name and returns
 * the exit code (0 success, 1 failure, 2 usage error). Writes only to `io`,
 * so tests run it in-process. `commands`: the command table (default the
 * real one), or command objects (tests).
 */
export async function main(argv: readonly string[], io: CliIo, commands: readonly (Command | CommandEntry)[] = COMMANDS): Promise<number> {
  const entries = toEntries(commands);
  const limited = limitFlags(argv);
  if (limited.error) return usageFailure(io, new UsageError(limited.error));
  const restoreLimits = applyLimits(limited.limits);
  try {
    return await runMain(limited.args, io, entries);
  } finally {
    restoreLimits();
  }
}

async function runMain(argv: readonly string[], io: CliIo, entries: CommandEntry[]): Promise<number> {
  const { args, quiet, verbose } = globalFlags(argv);
  if (quiet && verbose) return usageFailure(io, new UsageError('--quiet and --verbose cannot be given together'));
  const [first, ...rest] = args;
  if (first === undefined) {
    io.stderr.write(`${PREFIX}: missing command\n\n${topLevelHelp(entries, VERSION)}`);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(topLevelHelp(entries, VERSION));
    return EXIT_OK;
  }
  if (first === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const topNames = entries.filter((e) => !e.name.includes(' ')).map((e) => e.name);
  if (first.startsWith('-')) {
    const known = ['--help', '--version', ...GLOBAL_FLAGS.map((f) => `--${f}`)];
    const guess = didYouMean(first.split('=')[0]!, known, (s) => s);
    return usageFailure(io, new UsageError(`unknown flag ${first}${guess}; before a command only --help, --version, --quiet and --verbose are allowed (commands: ${topNames.join(', ')})`));
  }
  const pair = rest[0] !== undefined && !rest[0].startsWith('-') ? entries.find((e) => e.name === `${first} ${rest[0]}`) : undefined;
  const entry = pair ?? entries.find((e) => e.name === first);
  if (!entry) {
    const guess = closest(first, entries.map((e) => e.name).concat(topNames));
    const hint = guess ? `; did you mean "${guess}"?` : '';
    return usageFailure(io, new UsageError(`unknown command ${JSON.stringify(first)}${hint} (commands: ${topNames.join(', ')})`));
  }
  if (pair) rest.shift();
  let command: Command;
  try {
    command = await entry.load();
  } catch (error) {
    io.stderr.write(`${withPrefix(`could not load the command: ${error instanceof Error ? error.message : String(error)}`, entry.name)}\n`);
    return EXIT_FAILURE;
  }
  // Subcommands a command lists itself (older layout; the table's `<command> <word>` rows come first).
  const sub = rest[0] !== undefined ? command.subcommands?.find((c) => c.name === `${entry.name} ${rest[0]}`) : undefined;
  if (sub) {
    command = sub;
    rest.shift();
  }
  if (wantsHelp(rest)) {
    io.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  // `train facse`: a word close to a subcommand's (and not a path) is a mistyped subcommand, not the
  // command's argument: stop before the command runs (it could start training on it).
  const subWords = entries.filter((e) => e.name.startsWith(`${command.name} `)).map((e) => e.name.slice(command.name.length + 1));
  const word = rest[0];
  const subGuess = word !== undefined && !word.startsWith('-') && !/[./\\]/.test(word) && subWords.length ? closest(word, subWords) : undefined;
  if (subGuess !== undefined) {
    return usageFailure(io, new UsageError(`unknown subcommand ${JSON.stringify(word)}; did you mean "${command.name} ${subGuess}"? (subcommands: ${subWords.join(', ')}; write ./${word} for a path)`, command.name));
  }
  const sink = quiet ? quietSink(io.stderr) : undefined;
  const commandIo: CliIo = { stdout: io.stdout, stderr: sink ?? io.stderr, quiet, verbose };
  try {
    return await command.run(parseCommandArgs(command, rest), commandIo);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error, command.name);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${withPrefix(message, command.name)}\n`);
    if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  } finally {
    sink?.flush();
  }
}
