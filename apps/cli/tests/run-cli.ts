import type { Command, CommandEntry } from '../src/command';
import { main } from '../src/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs main() in-process and collects what it writes. */
export async function runCli(argv: readonly string[], commands?: readonly (Command | CommandEntry)[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  };
  const code = commands ? await main(argv, io, commands) : await main(argv, io);
  return { code, stdout, stderr };
}
