import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STACK_BYTES_PER_COMMAND_LINE_BYTE, checkCommandLine, parseStackLimit, readCommandLineFacts } from '../src/command-line-limit';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max stack size            8388608              unlimited            bytes
Max core file size        0                    unlimited            bytes
`;

describe('the command-line guard of onnxruntime-node', () => {
  it('reads the soft stack limit from /proc/self/limits', () => {
    expect(parseStackLimit(LIMITS)).toBe(8388608);
    expect(parseStackLimit(LIMITS.replace('8388608              unlimited', 'unlimited            unlimited'))).toBe(Infinity);
    expect(parseStackLimit('Limit Soft Hard Units\n')).toBe(8 * 1024 * 1024);
  });

  it('lets a command line under the limit through and refuses a longer one, saying why and what to do', () => {
    const stackBytes = 8 * 1024 * 1024;
    const limit = Math.floor(stackBytes / STACK_BYTES_PER_COMMAND_LINE_BYTE);
    expect(limit).toBe(26214);
    expect(() => checkCommandLine({ commandLineBytes: limit, stackBytes })).not.toThrow();
    expect(() => checkCommandLine({ commandLineBytes: 200_000, stackBytes: Infinity })).not.toThrow();
    expect(() => checkCommandLine(undefined)).not.toThrow();
    expect(() => checkCommandLine({ commandLineBytes: limit + 1, stackBytes })).toThrow(
      /command line is 26215 bytes.*8 MiB main-thread stack.*about 26214 bytes.*xargs -n 200.*ulimit -s 8193.*another backend/,
    );
  });

  it('measures this process', async () => {
    const facts = await readCommandLineFacts();
    if (process.platform !== 'linux') return expect(facts).toBeUndefined();
    expect(facts!.commandLineBytes).toBeGreaterThan(process.execPath.length);
    expect(facts!.stackBytes).toBeGreaterThan(0);
  });

  // Without the guard this child dies of SIGSEGV inside onnxruntime-node (28,200 bytes opened, 30,000 crashed at 8 MiB).
  it.runIf(process.platform === 'linux')('a process with a 60 KB command line gets the error from compile instead of a native crash', () => {
    const script = [
      "import { GraphBuilder, compile, registerBackend } from '@mobilenet-kit/core';",
      "import { onnxruntimeBackend } from '@mobilenet-kit/backend-onnxruntime';",
      "registerBackend(onnxruntimeBackend({ threads: 1 }));",
      "const b = new GraphBuilder('tiny'); const x = b.input('x', [null, 4, 4, 3]); b.output(b.add('pool', 'globalAvgPool', [x], {}), 'y');",
      "try { await compile(b.build(), new Map(), { backend: 'onnxruntime' }); console.log('opened'); } catch (e) { console.log('refused: ' + e.message); }",
    ].join('\n');
    const args = Array.from({ length: 10_000 }, (_, i) => `photo-${i}.jpg`.padEnd(6, '_'));
    // Linux's default 8 MiB stack, whatever this machine's shell sets.
    const child = spawnSync('bash', ['-c', 'ulimit -s 8192 && exec "$0" "$@"', process.execPath, '--input-type=module', '-e', script, ...args], { cwd: packageDir, encoding: 'utf8' });
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^refused: .*onnxruntime-node would crash this process: its command line is \d+ bytes/);
  });
});
