// Large galleries: how long a gallery file takes to load, how much memory it holds, and how long
// naming one face takes, at 10⁴ … 10⁶ references of 128 values. Each load runs in a fresh Node
// process so its resident-set growth is the gallery's alone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from '@mobilenet-kit/core';
import { encodeGallery, FaceMatcher } from '@mobilenet-kit/face';
import { summarize } from './stats';

export const GALLERY_SIZES = [10_000, 100_000, 1_000_000] as const;
/** JSON galleries are timed up to this size: 10⁵ references are 265 MB of JSON, past the reader's 64 MB limit (and 10⁶ past V8's longest string). */
const JSON_UP_TO = 10_000;
const DIMENSIONS = 128;

export interface GalleryBenchResult {
  readonly references: number;
  readonly people: number;
  readonly format: 'binary' | 'json';
  readonly fileMB: number;
  readonly loadMs: number;
  readonly rssGrowthMB: number;
  /** Median over the queries of one match() (nearest of all references). */
  readonly matchMsMedian: number;
  readonly queries: number;
}


/** Unit-length random descriptors (a student's are unit length), four references per person. */
function buildGallery(references: number): FaceMatcher {
  const next = mulberry32(references);
  const matcher = new FaceMatcher([], { dimensions: DIMENSIONS, threshold: 0.5 });
  const row = new Float32Array(DIMENSIONS);
  for (let r = 0; r < references; r++) {
    let norm = 0;
    for (let i = 0; i < DIMENSIONS; i++) {
      row[i] = next() * 2 - 1;
      norm += row[i]! * row[i]!;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < DIMENSIONS; i++) row[i]! *= scale;
    matcher.add(`person-${Math.floor(r / 4)}`, row);
  }
  return matcher;
}

// Runs in the child: load the file the way `mobilenet-kit match --gallery` does (readGallery), then time queries.
const CHILD = `
const { readFileSync } = require('node:fs');
const { readGallery } = require(process.argv[1]);
const file = process.argv[2];
const queries = Number(process.argv[3]);
globalThis.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now();
const bytes = readFileSync(file);
const matcher = readGallery(bytes, file);
const loadMs = performance.now() - t0;
globalThis.gc?.();
const rssGrowth = process.memoryUsage().rss - before;
const times = [];
let seed = 7;
for (let q = 0; q < queries; q++) {
  const query = Array.from({ length: matcher.dimensions }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
  const t = performance.now();
  matcher.match(query);
  times.push(performance.now() - t);
}
process.stdout.write(JSON.stringify({ size: matcher.size, people: matcher.labelNames.length, loadMs, rssGrowth, times }));
`;

export function benchGalleries(options: { sizes?: readonly number[]; queries?: number; log?: (line: string) => void } = {}): GalleryBenchResult[] {
  const sizes = options.sizes ?? GALLERY_SIZES;
  const queries = options.queries ?? 20;
  const log = options.log ?? (() => {});
  const facePackage = createRequire(import.meta.url).resolve('@mobilenet-kit/face');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mobilenet-kit-gallery-bench-'));
  const results: GalleryBenchResult[] = [];
  try {
    for (const references of sizes) {
      const matcher = buildGallery(references);
      const files: [GalleryBenchResult['format'], string][] = [['binary', path.join(dir, `${references}.gallery`)]];
      writeFileSync(files[0]![1], encodeGallery(matcher));
      if (references <= JSON_UP_TO) {
        files.push(['json', path.join(dir, `${references}.json`)]);
        writeFileSync(files[1]![1], JSON.stringify(matcher));
      }
      for (const [format, file] of files) {
        log(`gallery: ${references} references, ${format}: loading in a fresh process and timing ${queries} matches`);
        const out = execFileSync(process.execPath, ['--expose-gc', '-e', CHILD, facePackage, file, String(queries)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
        const child = JSON.parse(out) as { size: number; people: number; loadMs: number; rssGrowth: number; times: number[] };
        if (child.size !== references) throw new Error(`gallery bench: ${file} loaded ${child.size} references, expected ${references}`);
        results.push({
          references,
          people: child.people,
          format,
          fileMB: statSync(file).size / 2 ** 20,
          loadMs: child.loadMs,
          rssGrowthMB: child.rssGrowth / 2 ** 20,
          matchMsMedian: summarize(child.times).median,
          queries,
        });
        rmSync(file);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export function formatGalleryTable(results: readonly GalleryBenchResult[]): string {
  const rows = results.map((r) => [String(r.references), String(r.people), r.format, r.fileMB.toFixed(1), r.loadMs.toFixed(0), r.rssGrowthMB.toFixed(0), r.matchMsMedian.toFixed(2)]);
  const head = ['references', 'people', 'file', 'size MB', 'load ms', 'RSS growth MB', 'match ms (median)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
