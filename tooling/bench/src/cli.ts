#!/usr/bin/env node
// `pnpm bench`: MobileNet v1 on every Node backend, ours (A) against a
// tfjs-layers model with the same weights (B), alternated in one process.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { benchMobileNet, type MobileNetResult } from './bench-mobilenet';
import { FULL_CONFIGS, QUICK_CONFIGS, configLabel } from './configs';
import { formatTable } from './report';

const USAGE = `Usage: pnpm bench [--quick] [--backends cpu,wasm] [--runs N] [--warmup N] [--out DIR]

  --quick       1.0-224 batch 1 only, 5 runs each (about a minute)
  --backends    comma-separated Node backends (default: cpu,wasm)
  --runs        timed runs of each of A and B (default 20; quick 5)
  --warmup      untimed runs of each before timing (default 2)
  --out         folder for the JSON results (default: bench/results)`;

const NODE_BACKENDS: Record<string, () => void> = { cpu: registerCpuBackend, wasm: () => registerWasmBackend() };

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${value}"`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }> }>>['values'];
  try {
    args = parseArgs({
      options: { quick: { type: 'boolean' }, backends: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const quick = Boolean(args.quick);
  const backends = String(args.backends ?? 'cpu,wasm').split(',').filter(Boolean);
  for (const b of backends) {
    if (!NODE_BACKENDS[b]) {
      console.error(`--backends: unknown backend "${b}" (Node backends: ${Object.keys(NODE_BACKENDS).join(', ')})`);
      process.exit(2);
    }
    NODE_BACKENDS[b]!();
  }
  const runs = positiveInt('runs', args.runs as string | undefined, quick ? 5 : 20);
  const warmup = positiveInt('warmup', args.warmup as string | undefined, 2);
  const configs = quick ? QUICK_CONFIGS : FULL_CONFIGS;
  const outDir = path.resolve(String(args.out ?? 'bench/results'));

  const results: MobileNetResult[] = [];
  for (const backend of backends) {
    for (const config of configs) {
      process.stderr.write(`${backend} MobileNet ${configLabel(config)}: ${warmup} warm-up + ${runs} runs each of A and B… `);
      const r = await benchMobileNet(backend, config, { warmup, runs, seed: 1 });
      process.stderr.write(`ours ${r.ours.median.toFixed(1)} ms, tfjs-layers ${r.layers.median.toFixed(1)} ms (${r.ratio.toFixed(2)}×)\n`);
      results.push(r);
    }
  }

  console.log('\nMobileNet v1, median ms. A = ours (compiled IR), B = tfjs-layers model, same weights, alternated in one process.');
  console.log('B/A > 1: ours is faster.\n');
  console.log(formatTable(results));

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: os.totalmem() / 2 ** 30, node: process.version, tfjs: tf.version_core },
    options: { quick, runs, warmup, backends },
    results,
  };
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `mobilenet-${stamp}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
