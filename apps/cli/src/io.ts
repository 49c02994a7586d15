/** Where a command writes. `process.stdout`/`process.stderr` fit, and so does a string collector in tests. */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

/** Exit codes: 0 success, 1 an unexpected failure, 2 a usage error (bad command, flag, value or model option). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
