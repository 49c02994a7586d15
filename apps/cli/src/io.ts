/** Where a command writes. `process.stdout`/`process.stderr` fit, and so does a string collector in tests. */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /**
   * --quiet: main() already filters stderr down to the lines that start with
   * `mobilenet-kit ` (errors and warnings); a command may also skip work done
   * only for its messages.
   */
  readonly quiet?: boolean;
  /** --verbose: a command may print more detail (per-step timings, files read) on stderr. */
  readonly verbose?: boolean;
}

/** Exit codes: 0 success, 1 a failure (a file that cannot be read, a backend that cannot start, …), 2 a usage error (unknown command or flag, bad value, missing argument). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
