import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EXIT_FAILURE, EXIT_OK } from '../src/io';
import { runCli } from './run-cli';

// The message importRuntime gives when onnxruntime-node is not installed (packages/backend-onnxruntime/src/ort-runtime.ts).
const NOT_INSTALLED =
  "onnxruntime-node is not installed: the 'onnxruntime' backend needs it in Node. Install it next to @mobilenet-kit/backend-onnxruntime: npm install onnxruntime-node@^1.30.0";

// onnxruntime-node missing: the plugin registers, but its start fails as it would without the package.
vi.mock('@mobilenet-kit/backend-onnxruntime', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@mobilenet-kit/backend-onnxruntime')>();
  return {
    ...actual,
    registerOnnxruntimeBackend: () => ({
      name: 'onnxruntime',
      supports: () => true,
      init: async () => {
        throw new Error(NOT_INSTALLED);
      },
      compile: async () => {
        throw new Error('compile must not be reached');
      },
    }),
  };
});

const require = createRequire(import.meta.url);
const SAMPLE1 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

describe('mobilenet-kit detect without onnxruntime-node', () => {
  it('the default runs on wasm and says why, in the backend line', async () => {
    const r = await runCli(['detect', SAMPLE1]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^backend: wasm \(tfjs backend wasm, simd (true|false), threads \d+\); default: the fastest that started, tfjs [\d.]+; onnxruntime could not start: onnxruntime-node is not installed: .*npm install onnxruntime-node@\^1\.30\.0$/m);
    expect(r.stdout).toContain('1 of 1 image processed, 3 detections');
  });

  it('--json: backend.default gives the reason', async () => {
    const r = await runCli(['detect', SAMPLE1, '--json']);
    expect(r.code).toBe(EXIT_OK);
    const json = JSON.parse(r.stdout) as { backend: Record<string, unknown> };
    expect(json.backend).toMatchObject({ name: 'wasm', tfjsBackend: 'wasm' });
    expect(json.backend.default).toMatch(/^the fastest that started, tfjs [\d.]+; onnxruntime could not start: /);
    expect(String(json.backend.default).endsWith(NOT_INSTALLED)).toBe(true);
  });

  it('an explicit --backend onnxruntime stays an error (exit 1), never replaced by wasm', async () => {
    const r = await runCli(['detect', SAMPLE1, '--backend', 'onnxruntime', '--json']);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`mobilenet-kit detect: the onnxruntime backend failed to start: ${NOT_INSTALLED}\n`);
  });
});
