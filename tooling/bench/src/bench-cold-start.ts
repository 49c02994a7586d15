import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { summarize, type Timing } from './stats';

/**
 * Cold start: whole processes, each started anew, A and B in turn (A B A B …,
 * the order swapped every other pair), so that the machine's drift hits both
 * alike. Wall time is the parent's clock from spawn to exit; peak RSS is the
 * child's own getrusage maxrss, written at exit by a preloaded script
 * (`--require`), so it counts the Node process itself and nothing else.
 */

/** One timed command. */
export interface ColdCommand {
  readonly label: string;
  /** Arguments after `node` (the preload goes first). */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface ColdPair {
  readonly name: string;
  /** What the pair compares, for the table. */
  readonly note: string;
  readonly a: ColdCommand;
  readonly b: ColdCommand;
}

export interface ColdPairResult {
  readonly name: string;
  readonly note: string;
  readonly a: { readonly label: string; readonly wallMs: Timing; readonly peakRssMiB: Timing; readonly exitCodes: number[] };
  readonly b: { readonly label: string; readonly wallMs: Timing; readonly peakRssMiB: Timing; readonly exitCodes: number[] };
  /** Median over pairs of A's wall / B's wall (below 1: A is faster). */
  readonly wallRatio: Timing;
  /** Median over pairs of A's peak RSS / B's. */
  readonly rssRatio: Timing;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The kit's CLI as `pnpm -s mobilenet-kit` runs it (apps/cli/dist/bin.js). */
export const CLI_BIN = path.resolve(here, '../../../apps/cli/dist/bin.js');
/** The minimal face-api script timed against `detect`. */
export const FACE_API_SCRIPT = path.resolve(here, '../scripts/face-api-detect.cjs');

const PRELOAD = `process.on('exit', () => { try { require('node:fs').writeFileSync(process.env.MOBILENET_KIT_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });\n`;

async function runOnce(command: ColdCommand, preload: string, rssFile: string): Promise<{ wallMs: number; peakRssMiB: number; code: number }> {
  rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, ...command.args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...command.env, MOBILENET_KIT_BENCH_RSS_FILE: rssFile },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (c, signal) => {
      if (c !== 0) process.stderr.write(`\n${command.label} exited with ${c ?? signal}: ${stderr.trim()}\n`);
      resolve(c ?? 1);
    });
  });
  const wallMs = performance.now() - t0;
  const peakRssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Number.NaN;
  return { wallMs, peakRssMiB, code };
}

/** Times each pair: `warmup` untimed runs of each, then `runs` pairs, A and B in turn. */
export async function benchColdStart(pairs: readonly ColdPair[], options: { warmup: number; runs: number; log?: (line: string) => void }): Promise<ColdPairResult[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'mobilenet-kit-cold-'));
  const preload = path.join(folder, 'rss.cjs');
  writeFileSync(preload, PRELOAD);
  const rssFile = path.join(folder, 'rss');
  const results: ColdPairResult[] = [];
  try {
    for (const pair of pairs) {
      options.log?.(`cold start ${pair.name}: ${options.warmup} warm-up + ${options.runs} runs each of A (${pair.a.label}) and B (${pair.b.label}), in turn…`);
      for (let i = 0; i < options.warmup; i++) {
        await runOnce(pair.a, preload, rssFile);
        await runOnce(pair.b, preload, rssFile);
      }
      const a: Awaited<ReturnType<typeof runOnce>>[] = [];
      const b: Awaited<ReturnType<typeof runOnce>>[] = [];
      for (let i = 0; i < options.runs; i++) {
        if (i % 2 === 0) {
          a.push(await runOnce(pair.a, preload, rssFile));
          b.push(await runOnce(pair.b, preload, rssFile));
        } else {
          b.push(await runOnce(pair.b, preload, rssFile));
          a.push(await runOnce(pair.a, preload, rssFile));
        }
      }
      const side = (label: string, r: typeof a) => ({ label, wallMs: summarize(r.map((x) => x.wallMs)), peakRssMiB: summarize(r.map((x) => x.peakRssMiB)), exitCodes: r.map((x) => x.code) });
      const result: ColdPairResult = {
        name: pair.name,
        note: pair.note,
        a: side(pair.a.label, a),
        b: side(pair.b.label, b),
        wallRatio: summarize(a.map((x, i) => x.wallMs / b[i]!.wallMs)),
        rssRatio: summarize(a.map((x, i) => x.peakRssMiB / b[i]!.peakRssMiB)),
      };
      options.log?.(`  ${result.a.wallMs.median.toFixed(0)} / ${result.b.wallMs.median.toFixed(0)} ms (A/B ${result.wallRatio.median.toFixed(2)}), peak RSS ${result.a.peakRssMiB.median.toFixed(0)} / ${result.b.peakRssMiB.median.toFixed(0)} MiB`);
      results.push(result);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return results;
}

/**
 * The pairs issue 20 asks for on one photo: `mobilenet-kit detect photo`
 * against the minimal face-api script on tfjs wasm at 1 and 2 threads (the
 * same backend and thread count on both sides), the CLI's default backend
 * (onnxruntime when it starts) against face-api at every core, and `--help`
 * against a bare `node -e 0`.
 */
export function coldStartPairs(photo: string, cores = os.availableParallelism()): ColdPair[] {
  const detect = (threads: number | undefined, backend?: string): ColdCommand => ({
    label: `mobilenet-kit detect${backend ? ` --backend ${backend}` : ''}${threads !== undefined ? ` (${threads} thread${threads === 1 ? '' : 's'})` : ' (default backend)'}`,
    args: [CLI_BIN, 'detect', photo, ...(backend ? ['--backend', backend] : [])],
    env: threads !== undefined ? { MOBILENET_KIT_WASM_THREADS: String(threads) } : {},
  });
  const faceApi = (threads: number): ColdCommand => ({ label: `face-api script (wasm, ${threads} thread${threads === 1 ? '' : 's'})`, args: [FACE_API_SCRIPT, photo, String(threads)] });
  const threads = [...new Set([1, Math.min(cores, 8)])];
  return [
    ...threads.map((t) => ({ name: `detect wasm ${t}t`, note: `same backend and threads (tfjs wasm, ${t})`, a: detect(t, 'wasm'), b: faceApi(t) })),
    { name: 'detect default', note: `ours on its default backend against face-api on wasm at ${threads.at(-1)} threads`, a: detect(undefined), b: faceApi(threads.at(-1)!) },
    { name: '--help', note: 'the top-level help against a bare node -e 0', a: { label: 'mobilenet-kit --help', args: [CLI_BIN, '--help'] }, b: { label: 'node -e 0', args: ['-e', '0'] } },
  ];
}

/** A plain-text table: medians of each side and of the per-pair ratios. */
export function formatColdStartTable(results: readonly ColdPairResult[]): string {
  const head = ['pair', 'A wall ms', 'B wall ms', 'A/B wall', 'A/B min–p90', 'A RSS MiB', 'B RSS MiB', 'A/B RSS', 'runs'];
  const rows = results.map((r) => [
    r.name,
    r.a.wallMs.median.toFixed(0),
    r.b.wallMs.median.toFixed(0),
    r.wallRatio.median.toFixed(2),
    `${r.wallRatio.min.toFixed(2)}–${r.wallRatio.p90.toFixed(2)}`,
    r.a.peakRssMiB.median.toFixed(0),
    r.b.peakRssMiB.median.toFixed(0),
    r.rssRatio.median.toFixed(2),
    String(r.a.wallMs.runs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const legend = results.map((r) => `${r.name}: A = ${r.a.label}, B = ${r.b.label} (${r.note})`);
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), '', ...legend].join('\n');
}

/** Issue 20's cold-start goals, each against its measured peer. */
export function formatColdStartGoals(results: readonly ColdPairResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.name === '--help') {
      const ok = r.a.wallMs.median < 300;
      lines.push(`--help: ${r.a.wallMs.median.toFixed(0)} ms wall (goal < 300 ms: ${ok ? 'met' : 'not met'}); a bare node -e 0 took ${r.b.wallMs.median.toFixed(0)} ms in the same run`);
    } else if (r.name.startsWith('detect wasm')) {
      lines.push(`${r.name}: wall A/B ${r.wallRatio.median.toFixed(2)} (goal ≤ 1: ${r.wallRatio.median <= 1 ? 'met' : 'not met'}), peak RSS ${r.a.peakRssMiB.median.toFixed(0)} vs ${r.b.peakRssMiB.median.toFixed(0)} MiB (goal ≤ face-api's: ${r.a.peakRssMiB.median <= r.b.peakRssMiB.median ? 'met' : 'not met'})`);
    }
  }
  return lines.join('\n');
}
