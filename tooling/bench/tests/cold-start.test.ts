import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchColdStart, CLI_BIN, coldStartPairs, FACE_API_SCRIPT, formatColdStartGoals, formatColdStartTable } from '../src/bench-cold-start';

describe('cold-start bench', () => {
  it('pairs detect with the face-api script at the same thread counts, the default backend, and --help with node -e 0', () => {
    const pairs = coldStartPairs('/photos/a.jpg', 2);
    expect(pairs.map((p) => p.name)).toEqual(['detect wasm 1t', 'detect wasm 2t', 'detect default', '--help']);
    expect(pairs[0]!.a.args).toEqual([CLI_BIN, 'detect', '/photos/a.jpg', '--backend', 'wasm']);
    expect(pairs[0]!.a.env).toEqual({ MOBILENET_KIT_WASM_THREADS: '1' });
    expect(pairs[1]!.b.args).toEqual([FACE_API_SCRIPT, '/photos/a.jpg', '2']);
    expect(pairs[2]!.a.args).toEqual([CLI_BIN, 'detect', '/photos/a.jpg']);
    expect(coldStartPairs('/p.jpg', 1).map((p) => p.name)).toEqual(['detect wasm 1t', 'detect default', '--help']);
    expect(existsSync(FACE_API_SCRIPT)).toBe(true);
  });

  it('times whole processes in turn, with each one\'s peak RSS, and prints ratios and verdicts', async () => {
    // A allocates ~64 MiB more than B, so its peak RSS must read higher.
    const pair = {
      name: 'detect wasm 1t',
      note: 'test',
      a: { label: 'big', args: ['-e', 'globalThis.k = Buffer.alloc(64 * 2 ** 20, 1)'] },
      b: { label: 'small', args: ['-e', '0'] },
    };
    const [r] = await benchColdStart([pair], { warmup: 0, runs: 2 });
    expect(r!.a.exitCodes).toEqual([0, 0]);
    expect(r!.b.exitCodes).toEqual([0, 0]);
    expect(r!.a.wallMs.runs).toBe(2);
    expect(r!.a.peakRssMiB.median - r!.b.peakRssMiB.median).toBeGreaterThan(50);
    expect(r!.rssRatio.median).toBeGreaterThan(1);
    const table = formatColdStartTable([r!]);
    expect(table).toMatch(/^pair\s+A wall ms/);
    expect(table).toContain('A = big, B = small');
    expect(formatColdStartGoals([r!])).toMatch(/peak RSS \d+ vs \d+ MiB \(goal ≤ face-api's: not met\)/);
  });
});
