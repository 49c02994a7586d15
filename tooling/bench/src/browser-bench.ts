import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, launchChromium, openBundledPage } from '@mobilenet-kit/chromium';
import type { BenchConfig } from './configs';
import { configLabel } from './configs';
import { faceApiModelDir } from './face-api-on-tfjs';
import type { PageTimings } from './browser-page';
import { summarize, type Timing } from './stats';

/** Backends the browser bench knows; webgl and wasm by default (cpu takes about a second per MobileNet run). */
export const BROWSER_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;

export interface BrowserBenchResult {
  readonly backend: string;
  readonly model: string;
  /** What ran, as the compiled model reports it (WebGL version and renderer; wasm SIMD and threads). */
  readonly backendInfo: Readonly<Record<string, string | number | boolean>>;
  readonly startMs: number;
  readonly compileMs: number;
  /** The first run after compile: on webgl, shader compilation included. */
  readonly firstRunMs: number;
  /** In another fresh page, with `compile(…, { warmup: true })`: compile (warm-up run included), then the first user-visible run. */
  readonly withWarmup: { readonly compileMs: number; readonly firstRunMs: number };
  readonly steady: Timing;
  readonly leakedTensors: number;
  readonly detail: Readonly<Record<string, string | number>>;
  /** console.error messages and uncaught errors of the page. */
  readonly pageErrors: readonly string[];
}

export interface BrowserBenchOptions {
  readonly backends: readonly string[];
  readonly configs: readonly BenchConfig[];
  /** face-api photo the detector runs on (a file of its demo/ folder); none: the detector is not timed. */
  readonly photo?: string;
  readonly warmup: number;
  readonly runs: number;
  readonly log?: (line: string) => void;
}

/** The page entry, next to this module's source (dist/cli.js → src/browser-page.ts). */
function pageEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', 'src', 'browser-page.ts');
}

/** The folders the page fetches from (see BROWSER_BENCH_PATHS in browser-page.ts). */
function servedFolders(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const modelDir = faceApiModelDir();
  return { '/wasm/': wasmDir, '/face-api-model/': modelDir, '/samples/': path.join(path.dirname(modelDir), 'demo') };
}

async function inFreshPage(browser: Browser, fn: string, args: unknown[]): Promise<{ timings: PageTimings; pageErrors: string[] }> {
  const page = await openBundledPage({ entry: pageEntry(), folders: servedFolders(), browser });
  try {
    const timings = await page.call<PageTimings>(fn, ...args);
    return { timings, pageErrors: [...page.consoleErrors] };
  } finally {
    await page.close();
  }
}

/**
 * MobileNet v1 and face-api's face detector in headless Chromium (WebGL 2 on
 * SwiftShader: software), each model and backend in a fresh page, so that
 * the first run is cold: the backend started, the model compiled without
 * warm-up, then the first run (webgl compiles its shaders there), `warmup`
 * untimed runs and `runs` timed ones. Then, in another fresh page, compiled
 * with `warmup: true` and run once: the first run a user would see.
 */
export async function benchInBrowser(options: BrowserBenchOptions): Promise<BrowserBenchResult[]> {
  const log = options.log ?? (() => undefined);
  const browser = await launchChromium();
  const results: BrowserBenchResult[] = [];
  // Each model twice, in fresh pages: compiled without warm-up (then warm-up and timed runs), and with it (then one run).
  const measure = async (backend: string, model: string, fn: string, args: unknown[]) => {
    const cold = await inFreshPage(browser, fn, [backend, ...args, options.warmup, options.runs, false]);
    const warm = await inFreshPage(browser, fn, [backend, ...args, 0, 0, true]);
    const { steadyMs, ...timings } = cold.timings;
    const steady = summarize(steadyMs);
    const withWarmup = { compileMs: warm.timings.compileMs, firstRunMs: warm.timings.firstRunMs };
    log(
      `${backend} ${model}: start ${timings.startMs.toFixed(0)} ms, compile ${timings.compileMs.toFixed(0)} ms, first run ${timings.firstRunMs.toFixed(0)} ms, ` +
        `steady median ${steady.median.toFixed(1)} ms; with warm-up: compile ${withWarmup.compileMs.toFixed(0)} ms, first run ${withWarmup.firstRunMs.toFixed(0)} ms`,
    );
    const pageErrors = [...cold.pageErrors, ...warm.pageErrors];
    results.push({ backend, model, ...timings, leakedTensors: timings.leakedTensors + warm.timings.leakedTensors, withWarmup, steady, pageErrors });
  };
  try {
    for (const backend of options.backends) {
      for (const config of options.configs) await measure(backend, `MobileNet v1 ${configLabel(config)}`, 'benchMobileNetInPage', [config]);
      if (options.photo !== undefined) await measure(backend, `face detector (${options.photo})`, 'benchFaceDetectorInPage', [options.photo]);
    }
  } finally {
    await browser.close();
  }
  return results;
}

/** The table `pnpm bench --task browser` prints. */
export function formatBrowserTable(results: readonly BrowserBenchResult[]): string {
  const header = ['backend', 'model', 'start ms', 'compile ms', 'first run ms', 'steady median ms', 'p90 ms', 'runs', 'warm-up: compile ms', 'first run ms', 'leaked', 'what ran'];
  const what = (r: BrowserBenchResult) => {
    const { name: _n, tfjsBackend: _t, renderer, ...rest } = r.backendInfo;
    const details = Object.entries(rest).map(([k, v]) => `${k} ${v}`);
    if (typeof renderer === 'string') details.push(renderer.includes('SwiftShader') ? 'SwiftShader' : renderer);
    return details.join(', ');
  };
  const rows = results.map((r) => [
    r.backend,
    r.model,
    r.startMs.toFixed(0),
    r.compileMs.toFixed(0),
    r.firstRunMs.toFixed(0),
    r.steady.median.toFixed(1),
    r.steady.p90.toFixed(1),
    String(r.steady.runs),
    r.withWarmup.compileMs.toFixed(0),
    r.withWarmup.firstRunMs.toFixed(0),
    String(r.leakedTensors),
    what(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
