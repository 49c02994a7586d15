import { parseCommandArgs, wantsHelp } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';
import { commandHelp, topLevelHelp } from './help';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './io';
import { UsageError } from './usage-error';
import { VERSION } from './version';

function usageFailure(io: CliIo, error: UsageError): number {
  const hint = error.command ? `mobilenet-kit ${error.command} --help` : 'mobilenet-kit --help';
  io.stderr.write(`${error.message}\nRun '${hint}' for usage.\n`);
  return EXIT_USAGE;
}

/**
 * Runs `mobilenet-kit` with the arguments after the program name and returns
 * the exit code (0 success, 1 unexpected failure, 2 usage error). Writes only
 * to `io`, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(`mobilenet-kit: missing command\n\n${topLevelHelp(commands, VERSION)}`);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(topLevelHelp(commands, VERSION));
    return EXIT_OK;
  }
  if (first === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const names = commands.map((c) => c.name).join(', ');
  if (first.startsWith('-')) {
    return usageFailure(io, new UsageError(`mobilenet-kit: unknown flag ${first}; before a command only --help and --version are allowed (commands: ${names})`));
  }
  const found = commands.find((c) => c.name === first);
  if (!found) return usageFailure(io, new UsageError(`mobilenet-kit: unknown command ${JSON.stringify(first)}; commands: ${names}`));
  // `train face-distill`: a subcommand is named by the command and its first argument.
  const sub = found.subcommands?.find((c) => c.name === `${first} ${rest[0]}`);
  const command = sub ?? found;
  if (sub) rest.shift();
  if (wantsHelp(rest)) {
    io.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`mobilenet-kit ${command.name}: ${message}\n`);
    return EXIT_FAILURE;
  }
}
