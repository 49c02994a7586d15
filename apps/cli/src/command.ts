import type { CliIo } from './io';

/**
 * One command-line flag. Value flags (`type: 'string'`) convert their text with
 * `parse`, which returns undefined for a value that is not allowed; the error
 * then quotes `allowed`. Help text is generated from the same spec.
 */
export interface FlagSpec<T = unknown> {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder for the value in help and usage: `--alpha A`. */
  readonly valueName?: string;
  readonly description: string;
  /** The values a value flag allows, in words: quoted in help and in errors. */
  readonly allowed?: string;
  /** What applies when the flag is absent, in words, for help. */
  readonly default?: string;
  /** A choice flag's values: a mistyped value gets a suggestion. */
  readonly choices?: readonly string[];
  readonly parse: (raw: string | boolean) => T | undefined;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The parsed flags of a command: each flag's converted value, or undefined when absent. */
export type FlagValues<F extends FlagSpecs> = {
  readonly [K in keyof F]: (F[K] extends FlagSpec<infer T> ? T : never) | undefined;
};

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  /** Last positional only: takes every remaining argument (`<images…>`; one or more unless optional). */
  readonly variadic?: boolean;
}

export interface CommandArgs<F extends FlagSpecs> {
  readonly flags: FlagValues<F>;
  readonly positionals: readonly string[];
}

/**
 * A subcommand of `mobilenet-kit`. Adding one is a new file under
 * src/commands/ that exports a `defineCommand(...)` plus one entry in the
 * table in src/commands/index.ts ({ name, summary, load }). `main` handles
 * `--help`, flag parsing, suggestions, --quiet/--verbose and errors.
 *
 * Keep a command file's top-level imports light (node:*, ../flags,
 * ../detect-backends, ../model-options, ../format/*): import tfjs, sharp,
 * onnxruntime and the packages that pull them in (@mobilenet-kit/image,
 * detection, face, classification, backend-*) inside `run` with
 * `await import(...)`, so `<command> --help` and usage errors start fast.
 */
export interface CommandDef<F extends FlagSpecs> {
  readonly name: string;
  /** One line, shown in the top-level help. */
  readonly summary: string;
  /** A paragraph or two for the command's own help. */
  readonly description: string;
  readonly flags: F;
  readonly positionals?: readonly PositionalSpec[];
  /** Full invocations (`mobilenet-kit summary --alpha 0.5`), shown in help. */
  readonly examples?: readonly string[];
  /**
   * Commands named `<name> <word>` (`train face-distill`): `mobilenet-kit <name> <word> …` runs them instead.
   * Prefer a table entry named `<name> <word>` in src/commands/index.ts (loaded only when run); this list is the fallback.
   */
  readonly subcommands?: readonly Command[];
  /** Returns the exit code. Throw a UsageError for mistakes in the input (exit 2). */
  run(args: CommandArgs<F>, io: CliIo): number | Promise<number>;
}

/** A command with its flag types erased, as held in the command table. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly flags: FlagSpecs;
  readonly positionals?: readonly PositionalSpec[];
  readonly examples?: readonly string[];
  readonly subcommands?: readonly Command[];
  run(args: CommandArgs<FlagSpecs>, io: CliIo): number | Promise<number>;
}

/** Checks a command's flag types where it is written and erases them for the table. */
export function defineCommand<F extends FlagSpecs>(def: CommandDef<F>): Command {
  return def as unknown as Command;
}

/**
 * One row of the command table (src/commands/index.ts): what the top-level
 * help, the command list and the suggestions need, and how to load the
 * command itself (a dynamic import, so nothing heavy loads before it runs).
 * A subcommand is a row of its own named `<command> <word>`.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for the top-level help; the same as the loaded command's summary (a test checks). */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** A loaded command as a table row (tests pass command objects to main). */
export function entryOf(command: Command): CommandEntry[] {
  return [{ name: command.name, summary: command.summary, load: async () => command }, ...(command.subcommands ?? []).flatMap(entryOf)];
}
