import type { MobileNetResult } from './bench-mobilenet';

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

/** A plain-text table of the results, one row per backend and configuration. */
export function formatTable(results: readonly MobileNetResult[]): string {
  const head = ['backend', 'model', 'ours ms', 'layers ms', 'B/A', 'ours GFLOP/s', 'layers GFLOP/s', 'compile ms', 'weights MiB', 'peak RSS MiB', 'runs'];
  const rows = results.map((r) => [
    r.backend,
    r.label,
    r.ours.median.toFixed(1),
    r.layers.median.toFixed(1),
    `${r.ratio.toFixed(2)}×`,
    r.oursGflops.toFixed(1),
    r.layersGflops.toFixed(1),
    r.compileMs.toFixed(0),
    (r.weightBytes / 2 ** 20).toFixed(1),
    r.peakRssMiB.toFixed(0),
    String(r.ours.runs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
