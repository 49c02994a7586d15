import { registerCpuBackend } from '@mobilenet-kit/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchFaceEmbedding, formatFaceTable } from '../src/bench-face';

beforeAll(async () => {
  await registerCpuBackend().init?.();
});

describe('face embedding bench', () => {
  it('times the teacher and the student against face-api on the same crop; the teacher is face-api\'s network', async () => {
    const crop = { width: 64, height: 64, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 37) % 251) };
    const rows = await benchFaceEmbedding('cpu', crop, { warmup: 0, runs: 1 });
    expect(rows.map((r) => r.model)).toEqual(['teacher (face-api recognition net in our IR)', 'student 1.0 MobileNet-128 (mirror canonical)']);
    for (const r of rows) expect(r.ours.runs === 1 && r.faceApi.runs === 1 && r.ours.median > 0 && r.faceApi.median > 0).toBe(true);
    expect(rows[0]!.maxDifferenceFromFaceApi).toBeLessThan(1e-3);
    expect(formatFaceTable(rows).split('\n')).toHaveLength(3);
  }, 300_000);
});
