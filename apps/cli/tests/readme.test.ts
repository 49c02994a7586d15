import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectReadmeExamplesToPass } from '@mobilenet-kit/readme-examples';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(packageDir, 'README.md'), 'utf8');

interface Block {
  readonly lang: string;
  readonly lines: readonly string[];
  /** The heading the block sits under: a block's shown output must be under the same heading as its command. */
  readonly section: number;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = 0;
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push({ ...open, section });
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith('```')) open = { lang: line.slice(3).trim(), lines: [] };
    else if (line.startsWith('#')) section++;
  }
  return blocks;
}

/** `mobilenet-kit a b` or `pnpm -s mobilenet-kit a b` → `['a', 'b']`; other lines → undefined. */
function cliArgs(line: string): string[] | undefined {
  const words = line.trim().split(/\s+/);
  const start = words[0] === 'pnpm' && words[1] === '-s' ? 2 : 0;
  return words[start] === 'mobilenet-kit' ? words.slice(start + 1) : undefined;
}

/** Every line shown (but `...`) appears in the actual output, in the same order. */
function expectShownIn(shown: readonly string[], actual: string, where: string) {
  const lines = actual.split('\n');
  let at = 0;
  for (const line of shown) {
    if (line.trim() === '...' || line.trim() === '') continue;
    const found = lines.indexOf(line, at);
    expect(found, `${where}: README shows a line the command does not print, or out of order: ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

const blocks = fencedBlocks(readme);
const shCommands = blocks.flatMap((block, i) =>
  block.lang === 'sh' ? block.lines.map((line) => ({ line, args: cliArgs(line), block: i })).filter((c) => c.args !== undefined) : [],
);

describe('README', () => {
  it('shows commands in ```sh blocks', () => {
    expect(shCommands.length).toBeGreaterThanOrEqual(4);
  });

  it.each(shCommands.map((c) => [c.line, c]))('`%s` exits 0, and prints what the README shows after it', async (line, { args, block }) => {
    const r = await runCli(args!);
    // Training and evaluation name their backend on stderr (one line); nothing else may appear there.
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('backend: '))).toEqual([]);
    expect(r.code).toBe(0);
    const next = blocks[block + 1];
    if (next?.lang === 'text' && next.section === blocks[block]!.section && blocks[block]!.lines.length === 1) expectShownIn(next.lines, r.stdout, line);
  });

  it('shows the usage errors as the command prints them, with their exit codes', async () => {
    const examples = blocks
      .filter((b) => b.lang === 'text')
      .flatMap((b) => b.lines.join('\n').split(/^\$ /m).slice(1))
      .map((text) => text.split('\n'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const [command, ...shown] of examples) {
      const code = Number(/^# exit code (\d+)$/m.exec(shown.join('\n'))?.[1]);
      const r = await runCli(cliArgs(command!)!);
      expect(r.code, command).toBe(code);
      expectShownIn(shown.filter((l) => !l.startsWith('# exit code')), r.stdout + r.stderr, command!);
    }
  });

  it("runs the README's ts example against the built package", async () => {
    const results = await expectReadmeExamplesToPass(packageDir);
    expect(results.length).toBe(1);
  });
});
