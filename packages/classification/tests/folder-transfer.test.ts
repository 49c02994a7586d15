import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { classifierFromModel, classifierHead, extractBackbone, findBackbone, folderNameOf, remapClasses, selectSamples } from '@mobilenet-kit/classification';
import { listImageFolder, readImageFolder, readImageFolderFor } from '@mobilenet-kit/classification/node';
import { trainClassifier, trainingSegments } from '@mobilenet-kit/classification/training';
import type { Weights } from '@mobilenet-kit/core';
import type { RgbImage } from '@mobilenet-kit/image';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quadrantDataset } from './synthetic';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'folder-transfer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Files whose content is a key into `images` (the decoder the tests pass): no codec involved. */
async function folder(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(dir, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

/** A 6×4 image: the first column green, the rest blue. */
const striped: RgbImage = (() => {
  const data = new Uint8Array(6 * 4 * 3);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) data.set(x === 0 ? [0, 250, 0] : [0, 0, 250], (y * 6 + x) * 3);
  return { width: 6, height: 4, data };
})();
const plain = (v: number): RgbImage => ({ width: 3, height: 3, data: new Uint8Array(27).fill(v) });
const images: Record<string, RgbImage> = { striped, dark: plain(10), light: plain(240) };
const decode = async (source: unknown) => {
  const { readFile } = await import('node:fs/promises');
  const key = (await readFile(source as string, 'utf8')).trim();
  const image = images[key];
  if (!image) throw new Error(`not an image: ${JSON.stringify(key.slice(0, 20))}`);
  return image;
};

describe('image folders for training and evaluation', () => {
  it('walks class subfolders, skips and lists non-image files, crops when the model crops', async () => {
    const root = await folder('good', { 'b/x.png': 'striped', 'b/deeper/y.jpg': 'light', 'b/readme.txt': 'notes', 'a/z.png': 'dark' });
    const listing = await listImageFolder(root);
    expect(listing.classNames).toEqual(['a', 'b']);
    expect(listing.samples.map((s) => path.relative(root, s.file))).toEqual(['a/z.png', 'b/deeper/y.jpg', 'b/x.png']);
    expect(listing.skipped.map((f) => path.relative(root, f))).toEqual(['b/readme.txt']);
    const stretched = await readImageFolder(root, { size: 2, decode });
    expect(stretched.files.map((f) => path.basename(f))).toEqual(['z.png', 'y.jpg', 'x.png']);
    // Resampled as tfjs does (output pixel 0 reads source column 0): stretched, the green first column shows; centre-cropped (columns 1..4 of 6), it is gone.
    const crop = await readImageFolderFor(root, { grayscale: false, contentSize: 2, crop: 'center' }, { decode });
    const px = (d: { pixels: Uint8Array }, i: number, p: number) => [...d.pixels.subarray(i * 12 + p * 3, i * 12 + p * 3 + 3)];
    expect(px(stretched, 2, 0)).toEqual([0, 250, 0]);
    expect(px(crop, 2, 0)).toEqual([0, 0, 250]);
    expect(crop).toMatchObject({ count: 3, width: 2, height: 2, channels: 3 });
  });

  it('gives clear errors for a folder without classes, with one class, with an empty class, or with a file that does not decode', async () => {
    const flat = await folder('flat', { '1.png': 'dark', '2.jpg': 'light' });
    await expect(listImageFolder(flat)).rejects.toThrow(/flat: has no class subfolders \(expected one subfolder per class .*\); it holds 2 image files directly: move them into a folder per class/);
    const one = await folder('one', { 'cats/1.png': 'dark' });
    await expect(readImageFolder(one, { size: 2, decode, minClasses: 2 })).rejects.toThrow(/one: has 1 class subfolder \("cats"\); a classifier needs at least 2/);
    const empty = await folder('empty', { 'cats/1.png': 'dark', 'dogs/notes.txt': 'x', 'dogs/list.csv': 'y' });
    await expect(listImageFolder(empty)).rejects.toThrow(/dogs: class folder "dogs" holds no image files \(\.png, .*\); it holds 2 other files \(list\.csv, notes\.txt\)/);
    await mkdir(path.join(dir, 'hollow', 'a'), { recursive: true });
    await mkdir(path.join(dir, 'hollow', 'b'), { recursive: true });
    await expect(listImageFolder(path.join(dir, 'hollow'))).rejects.toThrow(/class folder "a" holds no image files .*\(it is empty\)/);
    const broken = await folder('broken', { 'a/1.png': 'dark', 'b/2.png': 'this is text' });
    await expect(readImageFolder(broken, { size: 2, decode })).rejects.toThrow(/b[/\\]2\.png: cannot decode the image: not an image/);
    await expect(listImageFolder(path.join(dir, 'nowhere'))).rejects.toThrow(/nowhere: cannot list the image folder/);
  });

  it('renumbers a dataset to a model\'s labels by name, refusing classes the model does not know', () => {
    const d = selectSamples(quadrantDataset(8), [0, 1, 2, 3]);
    const swapped = { ...d, classNames: ['b', 'a', 'c', 'd'] };
    const mapped = remapClasses(swapped, ['a', 'b', 'c', 'd', 'e']);
    expect([...mapped.labels]).toEqual([1, 0, 2, 3]);
    expect(mapped.classNames).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => remapClasses(swapped, ['a', 'b', 'c'], 'folder x')).toThrow(/folder x: class "d" is not among the model's labels \(a, b, c\)/);
    // A label a folder cannot be named after: Fashion-MNIST's "T-shirt/top" is the folder T-shirt_top.
    const folders = { ...selectSamples(quadrantDataset(4), [0, 1]), classNames: ['Coat', 'T-shirt_top'] };
    expect(folderNameOf('T-shirt/top')).toBe('T-shirt_top');
    expect([...remapClasses(folders, ['T-shirt/top', 'Trouser', 'Coat']).labels]).toEqual([2, 0]);
  });
});

describe('a new classifier on the backbone of another model', () => {
  const source = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false }), { classes: 4, labels: ['a', 'b', 'c', 'd'] });
  const sourceWeights = initializeWeights(source.graph, { seed: 3 });

  it('finds the backbone in a classifier, a Keras-top model and a model with taps, and resizes its input', () => {
    expect(findBackbone(source.graph, 'x')).toMatchObject({ end: 'conv_pw_13_relu', input: 'input', resolution: 32, channels: 256 });
    expect(findBackbone(mobilenetV1({ alpha: 0.25, resolution: 64, classes: 7 }), 'x').end).toBe('conv_pw_13_relu');
    expect(findBackbone(mobilenetV1({ alpha: 0.25, resolution: 64, variant: 'fullConv', includeTop: false }), 'x').end).toBe('conv_13_relu');
    const scoped = mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false, scope: 'backbone', taps: ['conv_pw_11'] });
    const { graph } = extractBackbone(scoped, { resolution: 96 });
    expect(graph.nodes[0]).toMatchObject({ name: 'input', attrs: { shape: [null, 96, 96, 3] } });
    expect(graph.outputs).toEqual([{ name: 'conv_pw_13_relu', node: 'backbone/conv_pw_13_relu' }]);
    expect(() => findBackbone({ name: 'tiny', nodes: [{ name: 'input', op: 'input', inputs: [], attrs: { shape: [null, 8, 8, 3] } }], outputs: [{ name: 'o', node: 'input' }] }, 'model tiny')).toThrow(
      /model tiny: model "tiny" is not allowed \(a MobileNet v1 with Keras layer names/,
    );
  });

  it('copies every backbone weight by name, draws a new head for the new classes, and checks the weights', () => {
    const t = classifierFromModel(source.graph, sourceWeights, { labels: ['cat', 'dog', 'owl'], resolution: 48, seed: 2, dropout: 0.1 });
    expect(t.metadata.labels).toEqual(['cat', 'dog', 'owl']);
    expect(t.graph.nodes[0]!.attrs).toMatchObject({ shape: [null, 48, 48, 3] });
    expect(t.weights.get('head/logits/kernel')!.shape).toEqual([256, 3]);
    expect(t.copied).toContain('conv_pw_13_bn/moving_variance');
    expect(t.copied.some((n) => n.startsWith('head/'))).toBe(false);
    for (const name of t.copied) expect(t.weights.get(name)).toBe(sourceWeights.get(name));
    expect(() => classifierFromModel(source.graph, sourceWeights, { labels: ['one'] })).toThrow(/at least two class names/);
    const missing = new Map(sourceWeights);
    missing.delete('conv_dw_5/depthwise_kernel');
    expect(() => classifierFromModel(source.graph, missing, { labels: ['a', 'b'], where: 'run1/model' })).toThrow(/file "run1\/model", weight "conv_dw_5\/depthwise_kernel": missing/);
  });
});

describe('training on a folder task', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    await registerWasmBackend().init?.();
  });
  const unchanged = (a: Weights, b: Weights, name: string) => Buffer.from(a.get(name)!.data.buffer).equals(Buffer.from(b.get(name)!.data.buffer));

  it('freezes the layers before --fine-tune-from (weights and BN statistics unchanged), trains the rest, scores a separate validation set', async () => {
    const head = classifierHead(mobilenetV1({ alpha: 0.25, resolution: 32, includeTop: false }), { classes: 4, labels: quadrantDataset(4).classNames, preprocessing: { grayscale: true, contentSize: 12 } });
    expect(trainingSegments(head.graph, { fromLayer: 'conv_dw_12' }).frozen!.outputs[0]!.node).toBe('conv_pw_11_relu');
    expect(trainingSegments(head.graph, { fromLayer: 'conv1' }).frozen).toBeUndefined();
    expect(() => trainingSegments(head.graph, { fromLayer: 'conv_dw_99' })).toThrow(/freeze\.fromLayer "conv_dw_99" is not allowed \(a layer of the backbone \(27: conv1, conv_dw_1, conv_pw_1, conv_dw_2, …, conv_pw_12, conv_dw_13, conv_pw_13\)\)/);
    const start = initializeWeights(head.graph, { seed: 4 });
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const result = await trainClassifier({
      graph: head.graph,
      weights: start,
      metadata: head.metadata,
      train: quadrantDataset(48, 1),
      validation: quadrantDataset(12, 99),
      tf,
      tfl,
      tfBackend: 'wasm',
      config: { epochs: 1, batchSize: 16, validationFraction: 0, freeze: { fromLayer: 'conv_pw_12' } },
      onEpoch: (e) => void epochs.push(e.valAccuracy),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(epochs).toHaveLength(1);
    // 12 validation images: the accuracy is a multiple of 1/12.
    expect(Math.round(epochs[0]! * 12) / 12).toBeCloseTo(epochs[0]!, 10);
    for (const name of ['conv1/kernel', 'conv_dw_12/depthwise_kernel', 'conv_dw_12_bn/moving_mean', 'conv_pw_11/kernel', 'conv_pw_11_bn/moving_variance']) expect(unchanged(start, result.weights, name), name).toBe(true);
    for (const name of ['conv_pw_12/kernel', 'conv_pw_12_bn/moving_mean', 'conv_pw_13/kernel', 'head/logits/kernel']) expect(unchanged(start, result.weights, name), name).toBe(false);
    await expect(
      trainClassifier({ graph: head.graph, weights: start, metadata: head.metadata, train: quadrantDataset(8), validation: quadrantDataset(4), tf, tfl, tfBackend: 'wasm', config: { epochs: 1 } }),
    ).rejects.toThrow(/validationFraction 0\.05 is not allowed \(0 when a separate validation set is given\)/);
  });
});
