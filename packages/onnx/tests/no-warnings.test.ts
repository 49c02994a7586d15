import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { conformanceMobileNetV1 } from '@mobilenet-kit/core/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { toOnnx } from '../src/index';
import { fixture } from './helpers';
import { opGraphs } from './op-graphs';

const PACKAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * onnxruntime writes its log from native code, which vitest cannot capture
 * in-process: a child process opens every exported file with
 * logSeverityLevel 1 (info and up) and we look for warning and error lines.
 */
const OPEN_ALL = `
const ort = require('onnxruntime-node');
(async () => {
  for (const file of process.argv.slice(1)) {
    const s = await ort.InferenceSession.create(file, { logSeverityLevel: 1, graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    await s.release();
  }
  console.log('opened ' + (process.argv.length - 1));
})().catch((e) => { console.error('FAILED ' + e.message); process.exit(1); });
`;

describe('exported files open in onnxruntime-node without warnings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onnx-warnings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every op graph (opsets 11 and 22, both layouts) and MobileNet v1 0.25-128 with BN', () => {
    const files: string[] = [];
    const write = (name: string, bytes: Uint8Array) => {
      const file = path.join(dir, `${files.length}-${name.replace(/[^a-z0-9]+/gi, '_')}.onnx`);
      writeFileSync(file, bytes);
      files.push(file);
    };
    const mobilenet = fixture(conformanceMobileNetV1({ alpha: 0.25, resolution: 128 }));
    write('mobilenet', toOnnx(mobilenet.graph, mobilenet.weights));
    for (const { name, graph } of opGraphs()) {
      const f = fixture(graph);
      for (const opset of [11, 22]) for (const layout of ['nchw', 'nhwc'] as const) write(`${name} ${opset} ${layout}`, toOnnx(graph, f.weights, { opset, layout, optimize: false }));
    }
    const run = spawnSync(process.execPath, ['-e', OPEN_ALL, ...files], { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 60_000, maxBuffer: 512 * 1024 * 1024 });
    const log = `${run.stdout}\n${run.stderr}`;
    expect(run.status, log.slice(-2000)).toBe(0);
    expect(run.stdout).toContain(`opened ${files.length}`);
    // The log's severity letters: V, I, W, E, F.
    const bad = log.split('\n').filter((line) => /\[(W|E|F):onnxruntime/.test(line));
    expect(bad).toEqual([]);
    // The info level did print (so a warning would have shown).
    expect(log).toMatch(/\[I:onnxruntime/);
  });
});
