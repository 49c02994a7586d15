import * as path from 'node:path';
import type { BackendInfo } from '@mobilenet-kit/core';
import type { DetectedImage, ImageReport, ImageTimings } from '../detect-image';
import { renderTable } from './table';

/** `wasm (tfjs backend wasm, simd true, threads 1)`: the backend that ran and how. */
export function describeBackend(info: BackendInfo): string {
  const details = Object.entries(info)
    .filter(([key]) => key !== 'name')
    .map(([key, value]) => `${key === 'tfjsBackend' ? 'tfjs backend' : key} ${String(value)}`);
  return details.length ? `${info.name} (${details.join(', ')})` : info.name;
}

const px = (v: number) => v.toFixed(1);
const ms = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));

/** An image's heading line and its detections as a table (box in the image's pixels). */
export function renderImageReport(report: DetectedImage, cwd = process.cwd()): string {
  const n = report.detections.length;
  const relative = report.output !== undefined ? path.relative(cwd, report.output) : '';
  // Relative to where the command runs when the output is below it; absolute otherwise.
  const written = report.output !== undefined ? ` -> ${relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : report.output}` : '';
  const heading = `${report.file}: ${report.width}×${report.height}, ${n} detection${n === 1 ? '' : 's'}${written}\n`;
  if (n === 0) return heading;
  const rows = report.detections.map((d, i) => [String(i + 1), d.label, d.score.toFixed(3), px(d.box.x), px(d.box.y), px(d.box.width), px(d.box.height)]);
  const table = renderTable(
    [{ header: '#', align: 'right' }, { header: 'label' }, { header: 'score', align: 'right' }, { header: 'x', align: 'right' }, { header: 'y', align: 'right' }, { header: 'width', align: 'right' }, { header: 'height', align: 'right' }],
    rows,
  );
  return `${heading}${table}\n`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Milliseconds per stage and image: decode, then the detector's preprocess,
 * network and box decoding + NMS (their sum is "detect"), then draw + write;
 * with more than one image, a median row.
 */
export function renderTimingsTable(reports: readonly ImageReport[]): string {
  const done = reports.filter((r): r is DetectedImage => 'timings' in r);
  const stages = (t: ImageTimings) => [t.decode, t.preprocess, t.network, t.postprocess, t.preprocess + t.network + t.postprocess, t.write];
  const rows: (string[] | null)[] = done.map((r) => [path.basename(r.file), ...stages(r.timings).map(ms)]);
  if (done.length > 1) {
    const columns = done.map((r) => stages(r.timings));
    const medians = columns[0]!.map((_, c) => {
      const values = columns.map((row) => row[c]).filter((v): v is number => v !== undefined);
      return values.length ? median(values) : undefined;
    });
    rows.push(null, ['median', ...medians.map(ms)]);
  }
  return renderTable(
    [
      { header: 'ms' },
      { header: 'decode', align: 'right' },
      { header: 'preprocess', align: 'right' },
      { header: 'network', align: 'right' },
      { header: 'boxes+NMS', align: 'right' },
      { header: 'detect', align: 'right' },
      { header: 'draw+write', align: 'right' },
    ],
    rows,
  );
}
