import '@tensorflow/tfjs-backend-cpu';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { describe, expect, it } from 'vitest';
import { benchTeachableMachine, formatTeachableMachineTable } from '../src/bench-teachable-machine';

describe('teachable-machine bench', () => {
  it('imports the export, times both sides on the same wasm backend, and the two agree', async () => {
    registerWasmBackend({ threads: 1 });
    const r = await benchTeachableMachine('wasm', { warmup: 0, runs: 2 });
    expect(r.backendInfo.threads).toBe(1);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(r.ours.runs).toBe(2);
    expect(r.layers.runs).toBe(2);
    expect(r.ratio).toBeGreaterThan(0);
    expect(formatTeachableMachineTable([r])).toMatch(/^wasm\s+1\s/m);
  }, 120_000);
});
