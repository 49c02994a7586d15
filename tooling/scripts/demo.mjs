#!/usr/bin/env node
// `pnpm demo`: what the project can show today, through the built CLI:
// MobileNet v1 1.0-224's layers and costs, then the paper's tables recomputed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'apps', 'cli', 'dist', 'bin.js');
if (!existsSync(bin)) {
  console.error(`demo: ${path.relative(root, bin)} does not exist; build first (pnpm build, or bash tooling/setup.sh)`);
  process.exit(1);
}

const steps = [
  ['summary', 'MobileNet v1 1.0-224: layers, mult-adds and parameters (Tables 1 and 2)'],
  ['paper', "the paper's figures recomputed from the model"],
];
for (const [command, title] of steps) {
  console.log(`\n$ mobilenet-kit ${command}    # ${title}\n`);
  const run = spawnSync(process.execPath, [bin, command], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`demo: mobilenet-kit ${command} failed (${run.signal ?? `exit code ${run.status}`})`);
    process.exit(run.status || 1);
  }
}
