import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';
import { extractReadmeExamples, type ReadmeExample } from './extract';

export interface RunReadmeExamplesOptions {
  /** The markdown file, relative to the package directory. Default `README.md`. */
  readonly readme?: string;
  /** Per-example limit; the child is killed past it. Default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Environment of the child processes. Default: this process's environment without what test runners add (see `exampleEnv`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Keep the generated `.mjs` files even when every example passes (they are always kept when one fails). */
  readonly keepFiles?: boolean;
}

export interface ReadmeExampleResult {
  /** 1-based position among the runnable blocks of the README. */
  readonly index: number;
  /** 1-based line of the block's opening fence in the README. */
  readonly line: number;
  /** The block as written in the README. */
  readonly code: string;
  /** The file that was run (transpiled ESM), inside the package directory. */
  readonly file: string;
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status; `null` when the child was killed by a signal (see `signal`). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** `// prints:` strings that stdout did not contain. */
  readonly missingOutput: readonly string[];
  /** Exit status 0 and every `// prints:` string found in stdout. */
  readonly passed: boolean;
}

/** The folder (inside the package, gitignored) where the examples are written and run. */
export const EXAMPLES_DIR = '.readme-examples';

/**
 * Runs every ```ts / ```js block of `<packageDir>/README.md` as its own ES
 * module, in a child `node` process, one after the other.
 *
 * Each block is transpiled by esbuild and written under
 * `<packageDir>/.readme-examples/`, so that `import … from '<the package name>'`
 * resolves the way it does for a user: through the package's `exports` map
 * (Node's self-reference, which needs the package to be built) and through the
 * package's own `node_modules` for its dependencies. Blocks do not share state.
 */
export async function runReadmeExamples(packageDir: string, options: RunReadmeExamplesOptions = {}): Promise<ReadmeExampleResult[]> {
  const dir = path.resolve(packageDir);
  const readmePath = path.join(dir, options.readme ?? 'README.md');
  if (!existsSync(readmePath)) throw new Error(`runReadmeExamples: no README at ${readmePath}`);
  const examples = extractReadmeExamples(readFileSync(readmePath, 'utf8'));
  if (examples.length === 0) return [];

  // One folder per run, so that two runs of the same package (two terminals, two workers) do not overwrite each other.
  const runDir = path.join(dir, EXAMPLES_DIR, `run-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(runDir, { recursive: true });
  const results: ReadmeExampleResult[] = [];
  for (const example of examples) {
    results.push(await runExample(example, readmePath, runDir, dir, options));
  }
  if (!options.keepFiles && results.every((r) => r.passed)) {
    rmSync(runDir, { recursive: true, force: true });
    try {
      rmdirSync(path.dirname(runDir)); // only when no other run left files there
    } catch {}
  }
  return results;
}

async function runExample(
  example: ReadmeExample,
  readmePath: string,
  runDir: string,
  cwd: string,
  options: RunReadmeExamplesOptions,
): Promise<ReadmeExampleResult> {
  const file = path.join(runDir, `example-${example.index}.mjs`);
  const where = `${path.basename(readmePath)} example ${example.index} (line ${example.line})`;
  let js: string;
  try {
    const out = await transform(example.code, { loader: example.lang, format: 'esm', target: 'node20', sourcefile: where });
    js = out.code;
  } catch (e) {
    // A block that does not even parse is reported like a failed run, with esbuild's message as stderr.
    const stderr = `esbuild could not transpile ${where}:\n${(e as Error).message}`;
    return { ...pick(example), file, stdout: '', stderr, exitCode: null, signal: null, timedOut: false, missingOutput: [...example.expectedOutput], passed: false };
  }
  writeFileSync(file, `// ${where} of ${readmePath}\n${js}`);
  const run = await runNode(file, cwd, options.timeoutMs ?? 60_000, options.env ?? exampleEnv());
  const missingOutput = example.expectedOutput.filter((s) => !run.stdout.includes(s));
  return { ...pick(example), file, ...run, missingOutput, passed: run.exitCode === 0 && missingOutput.length === 0 };
}

/**
 * The environment a README reader's `node` would have: this process's,
 * without the variables that vitest and pnpm add (VITEST*, TEST, NODE_ENV=test,
 * npm_*, and NODE_PATH, which pnpm's shims point at the whole workspace store).
 */
export function exampleEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const underVitest = env.VITEST !== undefined;
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^(VITEST|npm_)/.test(key) || key === 'NODE_PATH' || key === 'TEST') continue;
    if (key === 'NODE_ENV' && underVitest && value === 'test') continue;
    out[key] = value;
  }
  return out;
}

function pick(example: ReadmeExample) {
  return { index: example.index, line: example.line, code: example.code };
}

interface NodeRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

function runNode(file: string, cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`runReadmeExamples: could not start ${process.execPath} for ${file}: ${e.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode, signal, timedOut });
    });
  });
}

/** Why one example failed, in a few lines a reader can act on. */
export function describeFailure(result: ReadmeExampleResult): string {
  const status = result.timedOut
    ? 'timed out and was killed'
    : result.signal
      ? `was killed by ${result.signal}`
      : result.exitCode === null
        ? 'did not run'
        : `exited with code ${result.exitCode}`;
  const lines = [`example ${result.index} (README line ${result.line}) ${status}`];
  if (result.missingOutput.length > 0) {
    lines.push(`  stdout lacks ${result.missingOutput.map((s) => JSON.stringify(s)).join(', ')} (from its "// prints:" comments)`);
    lines.push(`  stdout was:\n${indent(result.stdout.trimEnd() || '(empty)')}`);
  }
  if (result.stderr.trim()) lines.push(`  stderr:\n${indent(result.stderr.trimEnd())}`);
  lines.push(`  file run: ${result.file}`);
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/**
 * Runs the README's examples and throws one error that describes every
 * failure (block number, README line, exit status, missing output, stderr).
 * Also throws when the README has no runnable block, since a test that runs
 * nothing would pass silently.
 */
export async function expectReadmeExamplesToPass(packageDir: string, options: RunReadmeExamplesOptions = {}): Promise<ReadmeExampleResult[]> {
  const results = await runReadmeExamples(packageDir, options);
  const readme = path.join(path.resolve(packageDir), options.readme ?? 'README.md');
  if (results.length === 0) throw new Error(`${readme} has no runnable \`\`\`ts or \`\`\`js block`);
  const failed = results.filter((r) => !r.passed);
  if (failed.length > 0) {
    throw new Error(`${failed.length} of ${results.length} README examples failed in ${readme}:\n${failed.map(describeFailure).join('\n')}`);
  }
  return results;
}
