import type { DetectionResult } from './bench-detection';

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

/** Issue 4's targets: face-api / ours at least this on each backend (wasm: 1.25× faster; cpu: no slower). */
export const DETECTION_TARGETS: Readonly<Record<string, number>> = { wasm: 1.25, cpu: 1 };
/** Issue 4: everything outside the network (preprocess, box decoding, NMS, overhead) under this share of our total. */
export const OUTSIDE_NETWORK_TARGET = 0.1;

/** One row per backend and image: medians of ours and face-api, the ratio, our stages and the share outside the network. */
export function formatDetectionTable(results: readonly DetectionResult[]): string {
  const head = ['backend', 'image', 'faces A/B', 'ours ms', 'face-api ms', 'B/A', 'preprocess', 'network', 'boxes+NMS', 'outside net', 'leaked', 'runs'];
  const rows = results.map((r) => [
    r.backend,
    r.image,
    `${r.faces.ours}/${r.faces.faceApi}`,
    r.ours.median.toFixed(1),
    r.faceApi.median.toFixed(1),
    `${r.ratio.toFixed(2)}×`,
    r.stages.preprocess.median.toFixed(1),
    r.stages.network.median.toFixed(1),
    r.stages.postprocess.median.toFixed(1),
    percent(r.outsideNetworkShare),
    String(r.leakedTensors),
    String(r.ours.runs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One line per backend: the ratios and shares against issue 4's targets, met or not. */
export function formatDetectionTargets(results: readonly DetectionResult[]): string {
  const backends = [...new Set(results.map((r) => r.backend))];
  return backends
    .map((backend) => {
      const rows = results.filter((r) => r.backend === backend);
      const ratios = rows.map((r) => r.ratio);
      const shares = rows.map((r) => r.outsideNetworkShare);
      const target = DETECTION_TARGETS[backend];
      const worst = Math.min(...ratios);
      const speed = `face-api/ours ${worst.toFixed(2)}×${rows.length > 1 ? `–${Math.max(...ratios).toFixed(2)}×` : ''}`;
      const speedTarget = target === undefined ? '' : ` (target ≥ ${target.toFixed(2)}×: ${worst >= target ? 'met' : 'not met'})`;
      const outside = Math.max(...shares);
      const sameFaces = rows.every((r) => r.faces.ours === r.faces.faceApi) ? 'same face counts' : 'FACE COUNTS DIFFER';
      return `${backend}: ${speed}${speedTarget}; outside the network at most ${percent(outside)} of our total (target < ${percent(OUTSIDE_NETWORK_TARGET)}: ${outside < OUTSIDE_NETWORK_TARGET ? 'met' : 'not met'}); ${sameFaces}`;
    })
    .join('\n');
}
