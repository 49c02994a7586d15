import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EXIT_FAILURE } from '../src/io';
import { runCli } from './run-cli';

// A wasm backend that cannot start (as when its .wasm binary is missing): detect must say so and stop,
// not run on another backend.
vi.mock('@mobilenet-kit/backend-wasm', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@mobilenet-kit/backend-wasm')>();
  return {
    ...actual,
    registerWasmBackend: () => ({
      name: 'wasm',
      supports: () => true,
      init: async () => {
        throw new Error('cannot read tfjs-backend-wasm-simd.wasm (ENOENT)');
      },
      compile: async () => {
        throw new Error('compile must not be reached');
      },
    }),
  };
});

// And cpu, the default's last choice, failing too.
vi.mock('@mobilenet-kit/backend-cpu', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@mobilenet-kit/backend-cpu')>();
  return {
    ...actual,
    registerCpuBackend: () => ({
      name: 'cpu',
      supports: () => true,
      init: async () => {
        throw new Error('cpu refused (test)');
      },
      compile: async () => {
        throw new Error('compile must not be reached');
      },
    }),
  };
});

// And onnxruntime-node missing, for the default's first choice.
vi.mock('@mobilenet-kit/backend-onnxruntime', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@mobilenet-kit/backend-onnxruntime')>();
  return {
    ...actual,
    registerOnnxruntimeBackend: () => ({
      name: 'onnxruntime',
      supports: () => true,
      init: async () => {
        throw new Error('onnxruntime-node is not installed');
      },
      compile: async () => {
        throw new Error('compile must not be reached');
      },
    }),
  };
});

const require = createRequire(import.meta.url);
const SAMPLE1 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

describe('mobilenet-kit detect with a backend that fails to start', () => {
  it('exits 1 naming the backend and why, and detects nothing (no fallback)', async () => {
    const r = await runCli(['detect', SAMPLE1, '--backend', 'wasm', '--json']);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mobilenet-kit detect: the wasm backend failed to start: cannot read tfjs-backend-wasm-simd.wasm (ENOENT)\n');
  });
});

describe('mobilenet-kit detect without --backend, when no backend can start', () => {
  it('exits 1 saying what the default tried', async () => {
    const r = await runCli(['detect', SAMPLE1, '--json']);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'mobilenet-kit detect: no backend could start: onnxruntime could not start: onnxruntime-node is not installed; wasm could not start: cannot read tfjs-backend-wasm-simd.wasm (ENOENT); cpu could not start: cpu refused (test)\n',
    );
  });
});
