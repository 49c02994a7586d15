import type { ClassificationReport } from '@mobilenet-kit/classification';
import { choiceFlag } from './flags';
import { formatPercent } from './format/numbers';
import { renderTable } from './format/table';
import type { TextSink } from './io';

/** The backends the classification commands can run (and train) on. */
export const CLASSIFICATION_BACKENDS = ['wasm', 'cpu'] as const;
export type ClassificationBackend = (typeof CLASSIFICATION_BACKENDS)[number];

/**
 * --backend of the commands that train (tfjs backends only: onnxruntime runs
 * no gradients). Its default is the fastest that starts (wasm, else cpu):
 * start it with startCommandBackend (detect-backends.ts).
 */
export const BACKEND_FLAG = choiceFlag({
  valueName: 'B',
  description: 'wasm (tfjs XNNPACK) or cpu (plain JS, the slow reference); training runs on tfjs backends only',
  choices: CLASSIFICATION_BACKENDS,
  default: 'the fastest that starts here: wasm, else cpu; a line on stderr (and backend in --json) says which ran and why',
});

/**
 * Registers the backend in core's registry and starts it (wasm loads its binary here, so a failure is reported before any work).
 * The backends are imported here, not at the top, so that help and usage errors load no tfjs.
 */
/**
 * `wasmThreads`: the thread count wasm should start with, a preference: where tfjs's wasm already runs in this
 * process (its pool is fixed once started) the backend keeps the pool it has.
 */
export async function startBackend(name: ClassificationBackend, options: { wasmThreads?: number } = {}): Promise<void> {
  let backend: { init?(): Promise<void> };
  if (name === 'wasm') {
    const { registerWasmBackend, wasmAlreadyStarted } = await import('@mobilenet-kit/backend-wasm');
    backend = registerWasmBackend(options.wasmThreads !== undefined && !wasmAlreadyStarted() ? { threads: options.wasmThreads } : {});
  } else backend = (await import('@mobilenet-kit/backend-cpu')).registerCpuBackend();
  await backend.init?.();
}

/** Per-class precision and recall, then accuracy; `highlight` marks classes (the fine-grained ones) with '*'. */
export function renderReport(report: ClassificationReport, highlight: readonly string[] = []): string {
  const rows = report.perClass.map((c) => [
    `${c.label}${highlight.includes(c.label) ? ' *' : ''}`,
    String(c.support),
    Number.isNaN(c.precision) ? '-' : formatPercent(100 * c.precision, 1),
    Number.isNaN(c.recall) ? '-' : formatPercent(100 * c.recall, 1),
  ]);
  const table = renderTable([{ header: 'class' }, { header: 'images', align: 'right' }, { header: 'precision', align: 'right' }, { header: 'recall', align: 'right' }], rows);
  const note = highlight.length ? `\n* fine-grained classes (${highlight.join(', ')})` : '';
  return `${table}${note}\n\naccuracy: ${formatPercent(100 * report.accuracy, 2)} of ${report.count} images\n`;
}

/** The confusion matrix as text: rows true classes, columns predictions (by class index). */
export function renderConfusion(report: ClassificationReport, labels: readonly string[]): string {
  const n = report.confusion.classes;
  const rows = labels.map((label, r) => [`${r} ${label}`, ...Array.from({ length: n }, (_, c) => String(report.confusion.counts[r * n + c]))]);
  return renderTable([{ header: 'true \\ predicted' }, ...Array.from({ length: n }, (_, c) => ({ header: String(c), align: 'right' as const }))], rows);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export { duration as formatDuration };

export interface ProgressState {
  readonly epoch: number;
  readonly epochs: number;
  readonly samples: number;
  readonly epochSamples: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSecond: number;
  readonly etaSeconds: number;
}

/** One line of the progress bar: `epoch 2/10 [#####.....] 3,200/57,000  412 img/s  loss 0.512  acc 81.2%  ETA 2:11`. */
export function progressLine(p: ProgressState, width = 24): string {
  const filled = Math.round((width * p.samples) / Math.max(1, p.epochSamples));
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  return `epoch ${p.epoch}/${p.epochs} [${bar}] ${p.samples}/${p.epochSamples}  ${p.samplesPerSecond.toFixed(0)} img/s  loss ${p.loss.toFixed(3)}  acc ${formatPercent(100 * p.accuracy, 1)}  ETA ${duration(p.etaSeconds)}`;
}

/**
 * A progress bar redrawn in place ('\r') on a terminal, at most ten times a
 * second; nothing on a non-terminal (logs and pipes get the per-epoch lines).
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;
  constructor(private readonly sink: TextSink & { isTTY?: boolean }) {}
  get enabled(): boolean {
    return this.sink.isTTY === true;
  }
  update(p: ProgressState): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && p.samples < p.epochSamples) return;
    this.last = now;
    this.sink.write(`\r${progressLine(p)}\x1b[K`);
    this.drawn = true;
  }
  clear(): void {
    if (this.drawn) this.sink.write('\r\x1b[K');
    this.drawn = false;
  }
}
