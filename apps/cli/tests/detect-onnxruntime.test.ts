import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const SAMPLE2 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample2.jpg');

interface JsonOutput {
  backend: Record<string, string | number | boolean>;
  images: { detections: { box: { x: number; y: number; width: number; height: number }; score: number; label: string }[] }[];
}

function iou(a: JsonOutput['images'][0]['detections'][0]['box'], b: typeof a): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (ix * iy) / (a.width * a.height + b.width * b.height - ix * iy);
}

describe('mobilenet-kit detect --backend onnxruntime', () => {
  it('runs on onnxruntime-node, says so, and finds the faces wasm finds (IoU ≥ 0.98, |Δscore| ≤ 0.01)', async () => {
    const ort = await runCli(['detect', SAMPLE2, '--backend', 'onnxruntime', '--json']);
    expect(ort.stderr).toBe('');
    expect(ort.code).toBe(0);
    const wasm = await runCli(['detect', SAMPLE2, '--backend', 'wasm', '--json']);
    const a = JSON.parse(ort.stdout) as JsonOutput;
    const b = JSON.parse(wasm.stdout) as JsonOutput;
    expect(a.backend).toMatchObject({ name: 'onnxruntime', runtime: 'onnxruntime-node', executionProvider: 'cpu' });
    const [ours, theirs] = [a.images[0]!.detections, b.images[0]!.detections];
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.length).toBe(theirs.length);
    ours.forEach((d, i) => {
      expect(iou(d.box, theirs[i]!.box)).toBeGreaterThanOrEqual(0.98);
      expect(Math.abs(d.score - theirs[i]!.score)).toBeLessThanOrEqual(0.01);
    });
  });

  it('is the default: without --backend, detect runs on onnxruntime and says it was chosen as the fastest', async () => {
    const r = await runCli(['detect', SAMPLE2]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: onnxruntime \(runtime onnxruntime-node, threads \d+, executionProvider cpu, spinning false\); default: the fastest available, onnxruntime-node 1\.30\.0$/m);
    const json = JSON.parse((await runCli(['detect', SAMPLE2, '--json'])).stdout) as JsonOutput;
    expect(json.backend).toMatchObject({ name: 'onnxruntime', runtime: 'onnxruntime-node', default: 'the fastest available, onnxruntime-node 1.30.0' });
  });

  it('prints the backend line with the runtime, threads and execution provider', async () => {
    const r = await runCli(['detect', SAMPLE2, '--backend', 'onnxruntime']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: onnxruntime \(runtime onnxruntime-node, threads \d+, executionProvider cpu, spinning false\)$/m);
  });
});
