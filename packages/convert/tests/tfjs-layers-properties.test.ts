// Property tests (fast-check, seeded, bounded) of the tfjs-layers / Teachable Machine import: random text
// mutations of a valid export's model.json (the Keras topology and the weights manifest) or of its
// metadata.json (labels, image size) give a ModelFormatError naming the file, or an imported model whose
// weights are finite, of the graph's shapes, with one label per class — never another exception, a hang or
// a leak (no tfjs tensor left). The mutations are tooling/properties' (shared with core's model.json property).
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeGraph, ModelFormatError } from '@mobilenet-kit/core';
import { importModelFile } from '@mobilenet-kit/convert/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutateText, type TextMutation, textMutation } from '../../../tooling/properties/text-mutations.ts';
import { saveLayersModel, teachableMachineModel, tf } from './fixtures';

const RUNS = { seed: 20261207, numRuns: 60 };
let dir: string;
let modelJson: string;
let metadataJson: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convert-tfjs-props-'));
  await tf.setBackend('cpu');
  const t = teachableMachineModel(0.25, 32, 3);
  await saveLayersModel(t, path.join(dir, 'valid'));
  t.dispose();
  metadataJson = JSON.stringify({ tfjsVersion: '4.22.0', packageName: '@teachablemachine/image', labels: ['cat', 'dog', 'bird'], imageSize: 32 });
  await writeFile(path.join(dir, 'valid', 'metadata.json'), metadataJson);
  modelJson = await readFile(path.join(dir, 'valid', 'model.json'), 'utf8');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Writes a Teachable Machine folder with the given model.json and metadata.json texts, imports it, checks the outcome. */
async function importClearOrCorrect(model: string, metadata: string): Promise<'refused' | 'imported'> {
  const folder = path.join(dir, `m${n++}`);
  await mkdir(folder);
  await writeFile(path.join(folder, 'model.json'), model);
  await writeFile(path.join(folder, 'metadata.json'), metadata);
  await copyFile(path.join(dir, 'valid', 'weights.bin'), path.join(folder, 'weights.bin'));
  const tensors = tf.memory().numTensors;
  const started = performance.now();
  try {
    const imported = await importModelFile(folder);
    const params = new Map([...analyzeGraph(imported.graph).params.values()].flat().map((p) => [p.name, p.shape]));
    for (const [name, w] of imported.weights) {
      for (const v of w.data) if (!Number.isFinite(v)) throw new Error(`imported a non-finite value in "${name}"`);
      expect([...w.shape], name).toEqual([...(params.get(name) ?? w.shape)]);
    }
    const labels = imported.metadata.labels as string[] | undefined;
    if (labels) expect(labels.length).toBe(imported.recognized.classes);
    return 'imported';
  } catch (e) {
    expect(e, `${(e as Error).name}: ${(e as Error).message}`).toBeInstanceOf(ModelFormatError);
    expect((e as Error).message).toMatch(/(model|metadata)\.json|weights\.bin/);
    return 'refused';
  } finally {
    expect(performance.now() - started).toBeLessThan(5000);
    expect(tf.memory().numTensors).toBe(tensors);
    await rm(folder, { recursive: true, force: true });
  }
}

const mutations = fc.array(textMutation(fc) as fc.Arbitrary<TextMutation>, { minLength: 1, maxLength: 3 });

describe('tfjs-layers / Teachable Machine import properties (fast-check)', () => {
  it('the valid export imports with its labels', async () => {
    expect(await importClearOrCorrect(modelJson, metadataJson)).toBe('imported');
  });

  it('model.json mutations: a ModelFormatError naming the file, or a correct model', async () => {
    const seen = { refused: 0, imported: 0 };
    await fc.assert(
      fc.asyncProperty(mutations, async (m) => {
        seen[await importClearOrCorrect(m.reduce(mutateText, modelJson), metadataJson)]++;
      }),
      RUNS,
    );
    console.log(`tfjs-layers model.json mutations: ${seen.imported} of ${RUNS.numRuns} imported, ${seen.refused} refused`);
  });

  it('metadata.json mutations: a ModelFormatError naming the file, or a correct model with one label per class', async () => {
    const seen = { refused: 0, imported: 0 };
    await fc.assert(
      fc.asyncProperty(mutations, async (m) => {
        seen[await importClearOrCorrect(modelJson, m.reduce(mutateText, metadataJson))]++;
      }),
      RUNS,
    );
    console.log(`Teachable Machine metadata.json mutations: ${seen.imported} of ${RUNS.numRuns} imported, ${seen.refused} refused`);
  });
});
