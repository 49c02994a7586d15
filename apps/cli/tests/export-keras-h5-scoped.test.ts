// export --format keras-h5 of a classifier as the kit's heads build it (layers scoped "head/logits", …): the
// layer groups are nested as h5py makes them (the export failed with h5wasm's whole HDF5 error dump), and
// import reads the file back with the same weights.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { classifierHead } from '@mobilenet-kit/classification';
import { loadModel, saveModel } from '@mobilenet-kit/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-h5-scoped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export --format keras-h5: scoped layer names', () => {
  it('writes head/logits as nested groups; import gives back every weight', async () => {
    const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false }), { classes: 3, labels: ['a', 'b', 'c'] });
    const weights = initializeWeights(head.graph, { seed: 4 });
    await saveModel(path.join(dir, 'cls'), head.graph, weights, { metadata: head.metadata as never });
    const out = await runCli(['export', path.join(dir, 'cls'), '--format', 'keras-h5', '--out', path.join(dir, 'cls.h5')]);
    expect(out.stderr).not.toMatch(/HDF5-DIAG/);
    expect(out.code, out.stderr).toBe(0);
    const back = await runCli(['import', path.join(dir, 'cls.h5'), '--out', path.join(dir, 'back')]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/top: dense layers \(3 classes\)/);
    const imported = await loadModel(path.join(dir, 'back'));
    const logits = [...weights].find(([name]) => name.endsWith('logits/kernel'))!;
    const found = [...imported.weights.values()].find((w) => w.shape.join() === logits[1].shape.join() && w.shape.length === 2)!;
    expect(Array.from(found.data)).toEqual(Array.from(logits[1].data));
  });
});
