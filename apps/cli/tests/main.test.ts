import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../src/command';
import { COMMANDS } from '../src/commands';
import { booleanFlag, numberFlag } from '../src/flags';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/io';
import { UsageError } from '../src/usage-error';
import { runCli } from './run-cli';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('top level', () => {
  it.each([['--help'], ['-h']])('%s lists every command on stdout and exits 0', async (flag) => {
    const r = await runCli([flag]);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: mobilenet-kit <command>');
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name}\\s+${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: EXIT_OK, stdout: `${version}\n`, stderr: '' });
  });

  it('no command is a usage error with the help on stderr', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('missing command');
    expect(r.stderr).toContain('Commands:');
  });

  it('an unknown command names itself and the commands that exist, exit 2', async () => {
    const r = await runCli(['detcet', '--json']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('mobilenet-kit: unknown command "detcet"; did you mean "detect"? (commands: summary, paper');
  });

  it('a command nothing resembles gets the list and no guess', async () => {
    const r = await runCli(['zzzzzz']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).not.toContain('did you mean');
  });

  it('--help and an unknown command load no command module', async () => {
    let loads = 0;
    const table = [{ name: 'heavy', summary: 'would load tfjs', load: async () => { loads += 1; throw new Error('loaded'); } }];
    expect((await runCli(['--help'], table)).stdout).toMatch(/^ {2}heavy\s+would load tfjs$/m);
    expect((await runCli(['heavz'], table)).stderr).toContain('did you mean "heavy"?');
    expect(loads).toBe(0);
    const r = await runCli(['heavy'], table);
    expect(r).toEqual({ code: EXIT_FAILURE, stdout: '', stderr: 'mobilenet-kit heavy: could not load the command: loaded\n' });
  });

  it('an unknown flag before the command is a usage error, exit 2', async () => {
    const r = await runCli(['--json', 'summary']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toContain('unknown flag --json');
    expect(r.stderr).toContain('only --help, --version, --quiet and --verbose');
  });
});

describe('command help', () => {
  it.each(COMMANDS.map((c) => [c.name]))('%s --help and -h print the usage and every flag, exit 0', async (name) => {
    const command = await COMMANDS.find((c) => c.name === name)!.load();
    for (const flag of ['--help', '-h']) {
      const r = await runCli([...name.split(' '), flag]);
      expect(r.code).toBe(EXIT_OK);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`Usage: mobilenet-kit ${name}`);
      for (const f of Object.keys(command.flags)) expect(r.stdout).toContain(`--${f}`);
    }
  });

  it('help wins over other flags, even bad ones', async () => {
    const r = await runCli(['summary', '--alpha', 'abc', '--help']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toContain('Usage: mobilenet-kit summary');
  });

  it('a --help after -- is an argument, not a request for help', async () => {
    const r = await runCli(['paper', '--', '--help']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toContain('unexpected argument "--help"');
  });
});

describe('the command table', () => {
  // A command written the way later ones (detect, train, bench) will be: one definition, one table entry.
  const echo = defineCommand({
    name: 'echo',
    summary: 'prints its argument',
    description: 'Test command.',
    flags: { times: numberFlag({ valueName: 'T', description: 'repeat', allowed: 'an integer ≥ 1', integer: true, min: 1 }), loud: booleanFlag('upper case', 'l') },
    positionals: [{ name: 'text', description: 'what to print' }],
    async run({ flags, positionals }, io) {
      const text = flags.loud ? positionals[0]!.toUpperCase() : positionals[0]!;
      if (text === 'fail') throw new Error('deliberate failure');
      if (text === 'usage') throw new UsageError('mobilenet-kit echo: bad text', 'echo');
      io.stdout.write(`${Array(flags.times ?? 1).fill(text).join(' ')}\n`);
      return EXIT_OK;
    },
  });

  it('runs a new command with typed flags, a short flag and a positional', async () => {
    expect(await runCli(['echo', 'hi', '--times', '2', '-l'], [echo])).toEqual({ code: 0, stdout: 'HI HI\n', stderr: '' });
    const help = await runCli(['--help'], [echo]);
    expect(help.stdout).toMatch(/^ {2}echo\s+prints its argument$/m);
    expect((await runCli(['echo', '--help'], [echo])).stdout).toContain('Usage: mobilenet-kit echo <text> [--times T] [--loud]');
  });

  it('checks positionals: missing and extra ones are usage errors', async () => {
    const missing = await runCli(['echo'], [echo]);
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.stderr).toContain('missing <text>');
    const extra = await runCli(['echo', 'a', 'b'], [echo]);
    expect(extra.code).toBe(EXIT_USAGE);
    expect(extra.stderr).toContain('unexpected argument "b" (echo takes <text>)');
  });

  it('an unexpected error exits 1 with its message; a UsageError thrown by run exits 2', async () => {
    const failed = await runCli(['echo', 'fail'], [echo]);
    expect(failed).toEqual({ code: EXIT_FAILURE, stdout: '', stderr: 'mobilenet-kit echo: deliberate failure\n' });
    const usage = await runCli(['echo', 'usage'], [echo]);
    expect(usage.code).toBe(EXIT_USAGE);
    expect(usage.stderr).toBe("mobilenet-kit echo: bad text\nRun 'mobilenet-kit echo --help' for usage.\n");
  });

  it('a message without the prefix gets it', async () => {
    const bare = defineCommand({ ...echo, name: 'bare', run: () => { throw new UsageError('no gallery given'); } });
    const r = await runCli(['bare', 'x'], [bare]);
    expect(r.stderr).toBe("mobilenet-kit bare: no gallery given\nRun 'mobilenet-kit bare --help' for usage.\n");
  });

  it('a mistyped flag gets a suggestion', async () => {
    const r = await runCli(['echo', 'hi', '--tims', '2'], [echo]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toContain('mobilenet-kit echo: unknown flag --tims; did you mean --times?');
  });

  it('--quiet keeps results and prefixed errors, drops notes; --verbose reaches the command', async () => {
    const chatty = defineCommand({
      ...echo,
      name: 'chatty',
      run: (_args, io) => {
        io.stderr.write('backend: wasm\r50%');
        io.stderr.write('\rdone\nmobilenet-kit chatty: warning kept\n');
        io.stdout.write(`verbose=${io.verbose === true}\n`);
        return EXIT_OK;
      },
    });
    expect(await runCli(['chatty', 'x', '-q'], [chatty])).toEqual({ code: 0, stdout: 'verbose=false\n', stderr: 'mobilenet-kit chatty: warning kept\n' });
    expect((await runCli(['--verbose', 'chatty', 'x'], [chatty])).stdout).toBe('verbose=true\n');
    expect((await runCli(['chatty', 'x'], [chatty])).stderr).toContain('backend: wasm');
    expect((await runCli(['chatty', 'x', '--quiet', '--verbose'], [chatty])).code).toBe(EXIT_USAGE);
  });
});
