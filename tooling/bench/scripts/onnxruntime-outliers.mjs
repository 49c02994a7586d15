#!/usr/bin/env node
// Reproducer for issue 20's onnxruntime outliers (one ~84 ms face detection among ~34 ms ones; an occasional
// ~0.9 s model load). Face detection on sample1 on the 'onnxruntime' backend, every run timed (not only
// medians), stage by stage, with the GC pauses that fell inside each run (PerformanceObserver 'gc').
// Usage: node onnxruntime-outliers.mjs [runs] [threads] [spinning: default|on|off] [between: none|wasm]
// between=wasm runs our detector on tfjs wasm between the onnxruntime runs, as the bench alternates
// onnxruntime with face-api on wasm.
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { registerOnnxruntimeBackend } from '@mobilenet-kit/backend-onnxruntime';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { findFaceApiModelDir, loadFaceDetector } from '@mobilenet-kit/detection';
import { decodeImage } from '@mobilenet-kit/image';

const runs = Number(process.argv[2] ?? 100);
const threads = Number(process.argv[3] ?? 2);
const spinning = process.argv[4] ?? 'default';
const between = process.argv[5] ?? 'none';
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind: e.detail?.kind });
}).observe({ entryTypes: ['gc'] });

const t0 = performance.now();
await registerOnnxruntimeBackend({ threads, ...(spinning === 'default' ? {} : { spinning: spinning === 'on' }) }).init();
const tInit = performance.now();
const modelDir = await findFaceApiModelDir();
const cpu0 = process.cpuUsage();
const detector = await loadFaceDetector({ backend: 'onnxruntime', modelDir });
const tLoad = performance.now();
const loadCpu = process.cpuUsage(cpu0);
let other;
if (between === 'wasm') {
  registerWasmBackend({ threads: 1 });
  other = await loadFaceDetector({ backend: 'wasm', modelDir });
}
const image = await decodeImage(path.join(path.dirname(modelDir), 'demo', 'sample1.jpg'));
console.log(`runtime start ${(tInit - t0).toFixed(0)} ms, detector load (weights, export, session) ${(tLoad - tInit).toFixed(0)} ms wall, ${((loadCpu.user + loadCpu.system) / 1000).toFixed(0)} ms CPU (all threads); threads ${threads}, spinning ${spinning}, between ${between}`);
const rows = [];
for (let i = 0; i < runs; i++) {
  if (other) await other.run([image]);
  const s = performance.now();
  const r = await detector.run([image]);
  const e = performance.now();
  const gc = gcs.filter((g) => g.end > s && g.start < e).reduce((a, g) => a + Math.min(g.end, e) - Math.max(g.start, s), 0);
  rows.push({ i, total: e - s, ...r.timings, gc });
}
const sorted = [...rows].sort((a, b) => a.total - b.total);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))].total;
console.log(`runs ${runs}: min ${q(0).toFixed(1)} median ${q(0.5).toFixed(1)} p90 ${q(0.9).toFixed(1)} max ${q(1).toFixed(1)} ms`);
const med = q(0.5);
for (const r of rows.filter((r) => r.total > 1.5 * med)) {
  console.log(`  outlier run ${r.i}: total ${r.total.toFixed(1)} = preprocess ${r.preprocess.toFixed(1)} + network ${r.network.toFixed(1)} + post ${r.postprocess.toFixed(1)}; GC inside ${r.gc.toFixed(1)} ms`);
}
console.log(`first run ${rows[0].total.toFixed(1)} ms (network ${rows[0].network.toFixed(1)})`);
detector.dispose();
other?.dispose();
