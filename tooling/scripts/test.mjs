#!/usr/bin/env node
// `pnpm test`: build what the tests need, run every package's vitest through
// turbo, then print one summary line over all of them ("N passed, N failed"),
// which vitest's per-package summaries do not give.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const turboArgs = process.argv.slice(2); // e.g. --filter=web: only those packages are run, cleared and counted

// The packages whose `test` turbo will run with these arguments (its dry run), so that a filtered run
// neither clears nor expects the reports of packages it leaves out.
const dryRun = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--dry-run=json', ...turboArgs], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
if (dryRun.status !== 0) {
  process.stderr.write(dryRun.stderr);
  console.error(`test: turbo could not plan the run (exit ${dryRun.status})`);
  process.exit(1);
}
const workspaceDirs = JSON.parse(dryRun.stdout)
  .tasks.filter((t) => t.task === 'test' && t.command !== '<NONEXISTENT>')
  .map((t) => path.join(root, t.directory));

for (const dir of workspaceDirs) rmSync(path.join(dir, '.vitest-results'), { recursive: true, force: true });

const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1', ...turboArgs], {
  cwd: root,
  stdio: 'inherit',
  env,
});

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const noTests = [];
for (const dir of workspaceDirs) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const report = path.join(dir, '.vitest-results', 'results.json');
  if (!existsSync(report)) {
    missing.push(pkg.name);
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  // vitest exits 1 when it finds no test file; count that package as one failure so that the line shows it.
  if (r.testResults.length === 0) {
    noTests.push(pkg.name);
    failed += 1;
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A test file that failed without a failed test (it did not load, or a beforeAll hook threw and its
  // tests were skipped) counts as one failure.
  failed += r.testResults.filter((t) => t.status === 'failed' && !t.assertionResults.some((a) => a.status === 'failed')).length;
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
if (noTests.length > 0) console.log(`no test files in: ${noTests.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(turbo.status !== 0 || failed > 0 || missing.length > 0 ? 1 : 0);
