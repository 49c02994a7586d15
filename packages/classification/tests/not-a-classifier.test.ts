// A model folder that no classifier wrote (a face embedding, a geo model, a bare export) is "not a classifier",
// naming the folder and what its metadata says — it was "metadata.task undefined is not allowed".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { saveModel } from '@mobilenet-kit/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { classifierMetadataFrom } from '../src/index';
import { loadClassifier } from '../src/node';

const dir = mkdtempSync(path.join(tmpdir(), 'not-a-classifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('not a classifier', () => {
  it('metadata without task, or another task, says so', () => {
    expect(() => classifierMetadataFrom(undefined, 32, 'classifier "x"')).toThrow(/^classifier "x": not a classifier: the model has no metadata; a classifier's is 'classification'/);
    expect(() => classifierMetadataFrom({}, 32, 'm')).toThrow(/^m: not a classifier: the model has no metadata\.task;/);
    expect(() => classifierMetadataFrom({ task: 'faceEmbedding' }, 32, 'm')).toThrow(/^m: not a classifier: the model is a "faceEmbedding" model \(metadata\.task "faceEmbedding"\)/);
  });
  it('loadClassifier names the folder', async () => {
    const graph = mobilenetV1({ alpha: 0.25, resolution: 32, classes: 2 });
    await saveModel(path.join(dir, 'plain'), graph, initializeWeights(graph, { seed: 1 }));
    await expect(loadClassifier(path.join(dir, 'plain'), { backend: 'cpu' })).rejects.toThrow(new RegExp(`^model folder "${path.join(dir, 'plain')}": not a classifier: the model has no metadata`));
  });
});
