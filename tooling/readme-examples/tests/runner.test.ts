import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, expectReadmeExamplesToPass, extractReadmeExamples, runReadmeExamples } from '../src/index';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const passing = path.join(fixtures, 'passing');
const failing = path.join(fixtures, 'failing');

// Failed runs keep their files for inspection; the fixtures' failures are expected, so clear them.
afterAll(() => {
  for (const dir of [passing, failing]) rmSync(path.join(dir, EXAMPLES_DIR), { recursive: true, force: true });
});

describe('extractReadmeExamples', () => {
  it('takes ts and js blocks, skips other languages and no-run blocks, and reads prints comments', () => {
    const md = [
      '# t',
      '```ts',
      'const a: number = 1;',
      'console.log(a); // prints: 1',
      '```',
      '```sh',
      'pnpm test',
      '```',
      '```typescript no-run',
      'window.alert(1);',
      '```',
      '~~~~js',
      '```',
      'console.log("x") //   prints:   x y  ',
      '~~~~',
    ].join('\n');
    const examples = extractReadmeExamples(md);
    expect(examples.map((e) => [e.index, e.line, e.lang])).toEqual([
      [1, 2, 'ts'],
      [2, 12, 'js'],
    ]);
    expect(examples[0]?.code).toBe('const a: number = 1;\nconsole.log(a); // prints: 1');
    expect(examples[0]?.expectedOutput).toEqual(['1']);
    // A shorter fence inside a longer one is content, not the end of the block.
    expect(examples[1]?.code).toBe('```\nconsole.log("x") //   prints:   x y  ');
    expect(examples[1]?.expectedOutput).toEqual(['x y']);
  });

  it('removes the fence indentation of blocks nested in lists', () => {
    const examples = extractReadmeExamples('1. step\n   ```ts\n   const x = 1;\n     console.log(x);\n   ```\n');
    expect(examples[0]?.code).toBe('const x = 1;\n  console.log(x);');
  });

  it('finds nothing in a document without code', () => {
    expect(extractReadmeExamples('# only prose\n\nno code here')).toEqual([]);
  });
});

describe('runReadmeExamples', () => {
  it('runs each block in its own process, resolving the package by its own name', async () => {
    const results = await runReadmeExamples(passing);
    expect(results.map((r) => [r.index, r.exitCode, r.passed])).toEqual([
      [1, 0, true],
      [2, 0, true],
    ]);
    expect(results[0]?.stdout).toBe('area 12\n');
    expect(results[1]?.stdout).toBe('10\n');
    expect(results[0]?.code).toContain("from 'readme-fixture-passing'");
    // The generated files are removed when everything passed.
    expect(existsSync(results[0]!.file)).toBe(false);
  });

  it('reports a throwing block and a block whose output lacks a prints string', async () => {
    const results = await runReadmeExamples(failing);
    expect(results.map((r) => r.passed)).toEqual([true, false, false]);
    const [, thrown, wrongOutput] = results;
    expect(thrown?.exitCode).toBe(1);
    expect(thrown?.stderr).toContain('expected 41, got 42');
    expect(thrown?.missingOutput).toEqual([]);
    expect(wrongOutput?.exitCode).toBe(0);
    expect(wrongOutput?.stdout).toBe('forty-two\n');
    expect(wrongOutput?.missingOutput).toEqual(['42']);
    // Kept for inspection, inside the package so that its imports resolve.
    expect(thrown?.file.startsWith(path.join(failing, EXAMPLES_DIR))).toBe(true);
    expect(existsSync(thrown!.file)).toBe(true);
  });

  it('kills an example that runs past the time limit', async () => {
    const dir = path.join(fixtures, 'passing');
    const results = await runReadmeExamples(dir, { readme: 'SLOW.md', timeoutMs: 300 });
    expect(results).toHaveLength(1);
    expect(results[0]?.timedOut).toBe(true);
    expect(results[0]?.passed).toBe(false);
  });

  it("gives the examples a reader's environment, without the test runner's variables", async () => {
    expect(process.env.VITEST).toBeDefined();
    const results = await runReadmeExamples(passing, { readme: 'ENV.md' });
    expect(results[0]?.stderr).toBe('');
    expect(results[0]?.stdout).toBe('leaked: none\n');
    expect(results[0]?.passed).toBe(true);
  });

  it('says which file is missing when there is no README', async () => {
    await expect(runReadmeExamples(path.join(fixtures, 'no-such-package'))).rejects.toThrow(/no README at .*no-such-package/);
  });
});

describe('expectReadmeExamplesToPass', () => {
  it('returns the results when every example passes', async () => {
    const results = await expectReadmeExamplesToPass(passing);
    expect(results).toHaveLength(2);
  });

  it('throws one message naming each failed block, its line, its stderr and the missing output', async () => {
    const error = await expectReadmeExamplesToPass(failing).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = error!.message;
    expect(message).toMatch(/2 of 3 README examples failed/);
    expect(message).toMatch(/example 2 \(README line 8\) exited with code 1/);
    expect(message).toContain('expected 41, got 42');
    expect(message).toMatch(/example 3 \(README line 13\) exited with code 0/);
    expect(message).toContain('stdout lacks "42"');
    expect(message).not.toMatch(/example 1 /);
  });

  it('fails a README that has nothing to run', async () => {
    await expect(expectReadmeExamplesToPass(passing, { readme: 'PROSE.md' })).rejects.toThrow(/no runnable/);
  });
});

describe('this package', () => {
  it("runs its own README's example", async () => {
    const results = await expectReadmeExamplesToPass(path.join(fixtures, '..', '..'));
    expect(results.length).toBeGreaterThan(0);
  });
});
