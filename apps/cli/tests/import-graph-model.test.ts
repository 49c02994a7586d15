import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IMAGENET_CLASSES } from '@mobilenet-kit/convert';
import { encodePng } from '@mobilenet-kit/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The convert package's writer of TF-slim graph models (its tests run the same files in tfjs-converter's loadGraphModel).
import { writeGraphModel } from '../../../packages/convert/tests/graph-fixtures';
import { runCli } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'mobilenet-kit-import-graph-'));
const tfhub = path.join(dir, 'tfhub');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  // TF Hub's layout as tensorflowjs_converter writes it: hub_input scaling, folded batch norm, fused ops, logits out; 1001 classes.
  await writeGraphModel(tfhub, { alpha: 0.25, resolution: 96, classes: 1001, layout: 'fused', seed: 4 });
  const data = Uint8Array.from({ length: 80 * 60 * 3 }, (_, i) => (i * 37) % 256);
  writeFileSync(path.join(dir, 'photo.png'), await encodePng({ width: 80, height: 60, data }));
}, 60_000);

describe('mobilenet-kit import <tfjs graph model>', () => {
  it('imports a TF Hub-style graph model.json, and classify prints ImageNet names with --json', async () => {
    const out = path.join(dir, 'imported');
    const r = await runCli(['import', path.join(tfhub, 'model.json'), '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { format: string; recognized: object; labels: string[]; preprocessing: object; report: string[] };
    expect(info.format).toBe('tfjs-graph');
    expect(info.recognized).toMatchObject({ alpha: 0.25, resolution: 96, classes: 1001, layers: 27 });
    expect(info.labels.slice(0, 2)).toEqual(['background', IMAGENET_CLASSES[0]]);
    expect(info.preprocessing).toMatchObject({ normalization: { divisor: 127.5, offset: -1 } });
    expect(existsSync(path.join(out, 'model.json'))).toBe(true);

    const c = await runCli(['classify', path.join(dir, 'photo.png'), '--model', out, '--backend', 'cpu', '--json', '--top-k', '3']);
    expect(c.code, c.stderr).toBe(0);
    const results = JSON.parse(c.stdout) as { image: string; predictions: { label: string; index: number; probability: number }[] }[];
    expect(results).toHaveLength(1);
    const p = results[0]!.predictions;
    expect(p).toHaveLength(3);
    for (const q of p) expect(q.label).toBe(info.labels[q.index]);
    expect(p[0]!.probability).toBeGreaterThanOrEqual(p[2]!.probability);
    expect(p.reduce((a, q) => a + q.probability, 0)).toBeLessThanOrEqual(1 + 1e-6);
  }, 60_000);

  it('an unknown op in the graph is an error naming the node and op (exit 1)', async () => {
    const { readFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync(path.join(tfhub, 'model.json'), 'utf8'));
    json.modelTopology.node.find((n: { op: string }) => n.op === 'Mean').op = 'Max';
    writeFileSync(path.join(tfhub, 'bad.json'), JSON.stringify(json));
    const r = await runCli(['import', path.join(tfhub, 'bad.json'), '--out', path.join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/node "module_apply_default\/MobilenetV1\/Logits\/global_pool" \(Max\): this op is not read/);
  }, 60_000);
});
