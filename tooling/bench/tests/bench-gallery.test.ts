import { describe, expect, it } from 'vitest';
import { benchGalleries, formatGalleryTable } from '../src/bench-gallery';

describe('gallery bench', () => {
  it('loads a binary and a JSON gallery in fresh processes and times matches; the table has a row for each', () => {
    const rows = benchGalleries({ sizes: [2000], queries: 3 });
    expect(rows.map((r) => r.format)).toEqual(['binary', 'json']);
    for (const r of rows) {
      expect(r.references).toBe(2000);
      expect(r.people).toBe(500);
      expect(r.loadMs).toBeGreaterThan(0);
      expect(r.matchMsMedian).toBeGreaterThan(0);
      expect(r.queries).toBe(3);
    }
    // 2000 × 128 float32 values plus the header: about 1 MB; the JSON text is several times larger.
    expect(rows[0]!.fileMB).toBeGreaterThan(0.98);
    expect(rows[0]!.fileMB).toBeLessThan(1.1);
    expect(rows[1]!.fileMB).toBeGreaterThan(2 * rows[0]!.fileMB);
    expect(formatGalleryTable(rows).split('\n')).toHaveLength(4);
  }, 120_000);
});
