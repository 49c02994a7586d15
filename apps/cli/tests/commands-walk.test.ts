import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../src/args';
import { BACKEND_FLAG } from '../src/classification-support';
import type { Command } from '../src/command';
import { COMMANDS } from '../src/commands';
import { INFERENCE_BACKEND_FLAG } from '../src/detect-backends';
import { EXIT_OK, EXIT_USAGE } from '../src/io';
import { runCli } from './run-cli';

// Every command of the table, walked the same way: the things a user meets first must be the same everywhere.

const loaded = new Map<string, Command>();
async function load(name: string): Promise<Command> {
  if (!loaded.has(name)) loaded.set(name, await COMMANDS.find((c) => c.name === name)!.load());
  return loaded.get(name)!;
}

/** The word typed with two inner letters swapped (`summary` → `sumamry`): 2 edits. */
function swapped(word: string): string {
  let i = Math.max(1, Math.floor(word.length / 2) - 1);
  while (word[i] === word[i + 1]) i++;
  return `${word.slice(0, i)}${word[i + 1]}${word[i]}${word.slice(i + 2)}`;
}

/** An example's arguments after `mobilenet-kit <command>`, up to a shell redirection or pipe. */
function exampleArgs(example: string, name: string): string[] {
  const words = example.split(/\s+/);
  const end = words.findIndex((w) => w === '>' || w === '|' || w === '2>' || w === '&&');
  const used = end === -1 ? words : words.slice(0, end);
  expect(used.slice(0, 1 + name.split(' ').length).join(' ')).toBe(`mobilenet-kit ${name}`);
  return used.slice(1 + name.split(' ').length);
}

const names = COMMANDS.map((c) => [c.name]);

describe('every command', () => {
  it('the top-level help lists every command and subcommand of the table, once', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(EXIT_OK);
    for (const c of COMMANDS) expect(r.stdout.split('\n').filter((l) => new RegExp(`^  ${c.name}\\s{2,}\\S`).test(l))).toHaveLength(1);
    expect(r.stdout).toContain('Exit codes: 0 success, 1 failure');
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it.each(names)('%s: the table row matches the command it loads; subcommands it lists are rows too', async (name) => {
    const command = await load(name);
    const entry = COMMANDS.find((c) => c.name === name)!;
    expect(command.name).toBe(name);
    expect(command.summary).toBe(entry.summary);
    for (const sub of command.subcommands ?? []) expect(COMMANDS.map((c) => c.name)).toContain(sub.name);
    for (const flag of ['quiet', 'verbose', 'help']) expect(Object.keys(command.flags)).not.toContain(flag);
  });

  it.each(names)('%s --help: usage, every flag with what it allows, examples, exit codes; no tracker numbers', async (name) => {
    const command = await load(name);
    const r = await runCli([...name.split(' '), '--help']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Usage: mobilenet-kit ${name}`);
    for (const [flag, spec] of Object.entries(command.flags)) {
      expect(r.stdout).toContain(`--${flag}`);
      if (spec.allowed) expect(r.stdout).toContain(spec.allowed);
      if (spec.default) expect(r.stdout).toContain(`(default ${spec.default})`);
    }
    for (const flag of ['--quiet', '--verbose', '--help']) expect(r.stdout).toContain(flag);
    expect(command.examples?.length ?? 0).toBeGreaterThan(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).not.toMatch(/\bissues? #?\d+/i);
  });

  it.each(names)('%s: --backend, where it has one, is one of the two shared flags (same choices, same default)', async (name) => {
    const command = await load(name);
    const backend = command.flags.backend;
    if (backend === undefined) return;
    expect([INFERENCE_BACKEND_FLAG, BACKEND_FLAG]).toContain(backend);
    expect(backend.default).toMatch(/^the fastest that starts here/);
  });

  it.each(names)('%s: every example is a valid invocation (its flags exist and its values are allowed)', async (name) => {
    const command = await load(name);
    for (const example of command.examples ?? []) {
      const args = exampleArgs(example, name);
      expect(() => parseCommandArgs(command, args.filter((a) => a !== '--quiet' && a !== '-q' && a !== '--verbose')), example).not.toThrow();
    }
  });

  it.each(names)('%s: a typo in its name gets a suggestion, exit 2', async (name) => {
    const words = name.split(' ');
    const typo = [...words.slice(0, -1), swapped(words.at(-1)!)];
    const r = await runCli(typo);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mobilenet-kit( [a-z-]+)*: /);
    expect(r.stderr).toContain(`did you mean "${name}"?`);
  });

  it.each(names)('%s: a typo in a flag gets a suggestion, with the prefix, exit 2', async (name) => {
    const command = await load(name);
    const flag = Object.keys(command.flags)[0];
    if (flag === undefined) return;
    const r = await runCli([...name.split(' '), `--${flag.slice(0, -1)}`, '1']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`mobilenet-kit ${name}: unknown flag --${flag.slice(0, -1)}; did you mean --${flag}?`)).toBe(true);
    expect(r.stderr).toContain(`Run 'mobilenet-kit ${name} --help' for usage.`);
  });
});

// The examples of the commands that need only photos run, as printed, in examples-run.test.ts.
