import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { drawMapViews, renderMapViews } from '@mobilenet-kit/geo/node';
import { encodePng } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

// Map views of three far-apart places (6 each) as PNG photos, located by a CSV, plus one photo with no location.
const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-geo-'));
const photos = path.join(dir, 'photos');
const out = path.join(dir, 'run');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const size = 32;

beforeAll(async () => {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(photos, { recursive: true });
  const places = drawMapViews(3, 11, { size }, [], 3000);
  const views = places.flatMap((p, k) => Array.from({ length: 6 }, (_, i) => ({ ...p, spanKm: 2000 + 100 * i, rotationDeg: (i - 3) * 2 + k })));
  const pixels = await renderMapViews(views, size);
  const rows = ['file,lat,lon'];
  for (const [i, v] of views.entries()) {
    writeFileSync(path.join(photos, `v${i}.png`), await encodePng({ width: size, height: size, data: pixels.subarray(i * size * size * 3, (i + 1) * size * size * 3) }));
    rows.push(`v${i}.png,${v.lat},${v.lon}`);
  }
  writeFileSync(path.join(photos, 'unlocated.png'), await encodePng({ width: size, height: size, data: new Uint8Array(size * size * 3).fill(100) }));
  writeFileSync(path.join(dir, 'locations.csv'), `${rows.join('\n')}\n`.replaceAll('v', 'photos/v'));
}, 60_000);

describe('mobilenet-kit train geo / geolocate', () => {
  it('trains on a folder located by a CSV, reports the unlocated photo, resumes, and geolocates with the model', async () => {
    const args = ['train', 'geo', photos, '--locations', path.join(dir, 'locations.csv'), '--out', out, '--alpha', '0.25', '--resolution', '32', '--batch-size', '6', '--max-photos', '4', '--min-photos', '1', '--val-split', '0.2', '--backend', 'wasm'];
    const first = await runCli([...args, '--epochs', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/1 photos without a location \(not used\): .*unlocated\.png/);
    expect(first.stderr).toMatch(/train geo: 14 training photos \(csv\), 4 held out; \d+ cells/);
    expect(first.stderr).toMatch(/epoch 1: loss [\d.]+; held-out within 1\/25\/200\/750\/2500 km: /);
    const resumed = await runCli([...args, '--epochs', '2', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming after epoch 1/);
    expect(resumed.stderr).toMatch(/epoch 2: /);
    expect(JSON.parse(readFileSync(path.join(out, 'scales.json'), 'utf8'))).toHaveLength(2);

    const g = await runCli(['geolocate', path.join(photos, 'v0.png'), path.join(dir, 'missing.png'), '--model', out, '--top-k', '2', '--json', '--map', path.join(dir, 'maps'), '--backend', 'wasm']);
    expect(g.code).toBe(1); // the missing file
    const results = JSON.parse(g.stdout) as [{ estimate: { lat: number; lon: number }; cells: { token: string; probability: number }[] }, { error: string }];
    expect(results[0].cells).toHaveLength(2);
    expect(results[0].cells[0]!.probability).toBeGreaterThanOrEqual(results[0].cells[1]!.probability);
    expect(Math.abs(results[0].estimate.lat)).toBeLessThanOrEqual(90);
    expect(results[1].error).toMatch(/missing\.png/);
    expect(statSync(path.join(dir, 'maps', 'v0.png')).size).toBeGreaterThan(1000);
    expect(existsSync(path.join(dir, 'maps', 'missing.png'))).toBe(false);

    // evaluate geo: the same folder and CSV; the scores are recomputed here from geolocate's own estimates.
    const ev = await runCli(['evaluate', 'geo', out, photos, '--locations', path.join(dir, 'locations.csv'), '--json', '--backend', 'wasm']);
    expect(ev.code, ev.stderr).toBe(0);
    const scores = JSON.parse(ev.stdout) as { photos: number; withinKm: Record<string, number>; medianKm: number; baselines: { mostPopulous: { withinKm: Record<string, number> } }; withoutLocation: string[] };
    expect(scores.photos).toBe(18);
    expect(scores.withoutLocation.map((f) => path.basename(f))).toEqual(['unlocated.png']);
    const all = await runCli(['geolocate', ...Array.from({ length: 18 }, (_, i) => path.join(photos, `v${i}.png`)), '--model', out, '--top-k', '1', '--json', '--backend', 'wasm']);
    const estimates = (JSON.parse(all.stdout) as { estimate: { lat: number; lon: number } }[]).map((r) => r.estimate);
    const truth = readFileSync(path.join(dir, 'locations.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number)).map(([, lat, lon]) => ({ lat: lat!, lon: lon! }));
    const rad = Math.PI / 180;
    const km = estimates.map((e, i) => {
      const t = truth[i]!; // the CSV's rows are v0 … v17 in order
      const h = Math.sin(((t.lat - e.lat) * rad) / 2) ** 2 + Math.cos(e.lat * rad) * Math.cos(t.lat * rad) * Math.sin(((t.lon - e.lon) * rad) / 2) ** 2;
      return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
    });
    expect(scores.withinKm['2500']).toBeCloseTo(km.filter((d) => d <= 2500).length / 18, 6);
    expect(scores.withinKm['750']).toBeCloseTo(km.filter((d) => d <= 750).length / 18, 6);
    expect(scores.baselines.mostPopulous.withinKm['2500']).toBeGreaterThanOrEqual(0);
    const table = await runCli(['evaluate', 'geo', out, photos, '--locations', path.join(dir, 'locations.csv'), '--backend', 'wasm']);
    expect(table.stdout).toMatch(/^18 photos \(located by the CSV\), \d+ cells/);
    expect(table.stdout).toMatch(/most populous cell/);
    expect(table.stderr).toMatch(/1 photos without a location \(not scored\): .*unlocated\.png/);
  }, 240_000);

  it('geolocate needs --model (exit 2)', async () => {
    const r = await runCli(['geolocate', 'x.jpg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model DIR is required/);
  });
});
