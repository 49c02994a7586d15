/**
 * onnxruntime-node 1.30 reads the process's command line (/proc/self/cmdline)
 * when it opens its first session and, when that is long, recurses deep
 * enough to overflow the main thread's stack: a native crash (SIGSEGV) that
 * no try/catch sees, e.g. `mobilenet-kit detect` given 400 photos by a shell
 * glob. Measured on Linux x64 (tiny model, 1 thread): with the default 8 MiB
 * stack a 28,200-byte command line opened, 30,000 bytes crashed; with 16 MiB,
 * 57,600 opened and 61,200 crashed: about 290 bytes of stack per byte of
 * command line. We refuse above one byte per 320 of stack (26,214 bytes at
 * 8 MiB), with an error that says what to do instead.
 */
export const STACK_BYTES_PER_COMMAND_LINE_BYTE = 320;

export interface CommandLineFacts {
  /** Bytes of /proc/self/cmdline. */
  readonly commandLineBytes: number;
  /** The soft limit of the main thread's stack in bytes; Infinity when unlimited. */
  readonly stackBytes: number;
}

/** What /proc says of this process; undefined where there is no /proc (not Linux): nothing to check there. */
export async function readCommandLineFacts(): Promise<CommandLineFacts | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const [cmdline, limits] = await Promise.all([readFile('/proc/self/cmdline'), readFile('/proc/self/limits', 'utf8')]);
    return { commandLineBytes: cmdline.byteLength, stackBytes: parseStackLimit(limits) };
  } catch {
    return undefined;
  }
}

/** The soft "Max stack size" of a /proc/<pid>/limits text, in bytes (Infinity for "unlimited"; 8 MiB, Linux's default, if absent). */
export function parseStackLimit(limits: string): number {
  const line = limits.split('\n').find((l) => l.startsWith('Max stack size'));
  const soft = line?.slice('Max stack size'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return 8 * 1024 * 1024;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/** Throws, before onnxruntime-node opens a session, when this process's command line would crash it. */
export function checkCommandLine(facts: CommandLineFacts | undefined): void {
  if (!facts) return;
  const limit = Math.floor(facts.stackBytes / STACK_BYTES_PER_COMMAND_LINE_BYTE);
  if (facts.commandLineBytes <= limit) return;
  const mib = (facts.stackBytes / 1024 / 1024).toFixed(0);
  throw new Error(
    `onnxruntime-node would crash this process: its command line is ${facts.commandLineBytes} bytes, and onnxruntime-node 1.30 overflows ` +
      `the ${mib} MiB main-thread stack reading a command line over about ${limit} bytes (/proc/self/cmdline). ` +
      `Pass fewer arguments per process (e.g. xargs -n 200), raise the stack (ulimit -s ${Math.ceil((facts.commandLineBytes * STACK_BYTES_PER_COMMAND_LINE_BYTE) / 1024)}), or use another backend`,
  );
}
