#!/usr/bin/env node
// `pnpm demo`: what the project can show today, through the built CLI:
// MobileNet v1 1.0-224's layers and costs, then face detection on face-api's
// six sample photos, annotated copies written to demo-output/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'apps', 'cli', 'dist', 'bin.js');
if (!existsSync(bin)) {
  console.error(`demo: ${path.relative(root, bin)} does not exist; build first (pnpm build, or bash tooling/setup.sh)`);
  process.exit(1);
}

// face-api's sample photos, from the copy of @vladmandic/face-api the CLI depends on (never downloaded):
// through pnpm's link in apps/cli/node_modules when it is there (a shorter path to print), else resolved.
const linkedFaceApi = path.join(root, 'apps', 'cli', 'node_modules', '@vladmandic', 'face-api');
const faceApiDir = existsSync(linkedFaceApi)
  ? linkedFaceApi
  : path.dirname(createRequire(path.join(root, 'apps', 'cli', 'package.json')).resolve('@vladmandic/face-api/package.json'));
const samples = [1, 2, 3, 4, 5, 6].map((i) => path.relative(root, path.join(faceApiDir, 'demo', `sample${i}.jpg`)));
const outDir = 'demo-output';

const steps = [
  [['summary'], 'MobileNet v1 1.0-224: layers, mult-adds and parameters (Tables 1 and 2)'],
  [['detect', ...samples, '--out', outDir], "face-api's pretrained SSD MobileNetV1 face detector on its six sample photos"],
];
for (const [args, title] of steps) {
  const shown = args.map((a) => (a.endsWith('.jpg') ? path.basename(a) : a)).join(' ');
  console.log(`\n$ mobilenet-kit ${shown}    # ${title}\n`);
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`demo: mobilenet-kit ${args[0]} failed (${run.signal ?? `exit code ${run.status}`})`);
    process.exit(run.status || 1);
  }
}
console.log(`\nThe six photos with their faces boxed: ${outDir}/sample1.jpg … sample6.jpg (in ${path.join(root, outDir)})`);
