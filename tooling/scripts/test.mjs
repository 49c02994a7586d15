#!/usr/bin/env node
// `pnpm test`: build what the tests need, run every package's vitest through
// turbo, then print one summary line over all of them ("N passed, N failed"),
// which vitest's per-package summaries do not give.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workspaceDirs = ['packages', 'apps', 'tooling']
  .flatMap((group) => {
    const dir = path.join(root, group);
    return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
  })
  .filter((dir) => existsSync(path.join(dir, 'package.json')));

for (const dir of workspaceDirs) rmSync(path.join(dir, '.vitest-results'), { recursive: true, force: true });

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1', ...process.argv.slice(2)], {
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
