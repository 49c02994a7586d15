import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, FASHION_MNIST_CLASSES, fashionMnistFiles } from '@mobilenet-kit/classification';
import { DatasetMissingError, listImageFolder, readFashionMnist, readImageFolder } from '@mobilenet-kit/classification/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeFashion(folder: string, split: 'train' | 'test', count: number, labels: number[], size = 28): Promise<void> {
  await mkdir(folder, { recursive: true });
  const files = fashionMnistFiles(split);
  const pixels = Uint8Array.from({ length: count * size * size }, (_, i) => i % 251);
  await writeFile(path.join(folder, files.images), gzipSync(encodeIdx([count, size, size], pixels)));
  await writeFile(path.join(folder, files.labels), gzipSync(encodeIdx([labels.length], Uint8Array.from(labels))));
}

describe('readFashionMnist', () => {
  it('reads a small split written in the original format', async () => {
    const folder = path.join(dir, 'ok');
    await writeFashion(folder, 'test', 3, [9, 0, 4]);
    const d = await readFashionMnist('test', folder);
    expect(d).toMatchObject({ count: 3, height: 28, width: 28, channels: 1 });
    expect([...d.labels]).toEqual([9, 0, 4]);
    expect(d.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(d.pixels[28 * 28]).toBe((28 * 28) % 251);
  });

  it('says how to install the data when they are missing', async () => {
    const error = await readFashionMnist('train', path.join(dir, 'empty')).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetMissingError);
    expect(error.message).toContain('apt-get install -y dataset-fashion-mnist');
    expect(error.message).toContain('train-images-idx3-ubyte.gz');
  });

  it('rejects mismatched counts, wrong sizes and labels outside 0..9, naming file and offset', async () => {
    const a = path.join(dir, 'count');
    await writeFashion(a, 'test', 3, [1, 2]);
    await expect(readFashionMnist('test', a)).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz \(byte offset 4\): 2 labels for the 3 images/);
    const b = path.join(dir, 'label');
    await writeFashion(b, 'test', 2, [1, 10]);
    await expect(readFashionMnist('test', b)).rejects.toThrow(/\(byte offset 9\): label 10 of sample 1/);
    const c = path.join(dir, 'size');
    await writeFashion(c, 'test', 1, [1], 27);
    await expect(readFashionMnist('test', c)).rejects.toThrow(/are 27×27/);
  });
});

/** A binary PGM/PPM decoder stands in for sharp: the reader takes any decoder. */
async function decodePnm(file: string | unknown) {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(file as string);
  const header = new TextDecoder().decode(bytes.subarray(0, 20)).split(/\s+/);
  const [magic, w, h] = [header[0], Number(header[1]), Number(header[2])];
  if (magic !== 'P6') throw new Error(`not a P6 file: ${magic}`);
  const start = bytes.length - w * h * 3;
  return { width: w, height: h, data: new Uint8Array(bytes.subarray(start)) };
}

function ppm(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const head = new TextEncoder().encode(`P6\n${w} ${h}\n255\n`);
  const out = new Uint8Array(head.length + w * h * 3);
  out.set(head);
  for (let i = 0; i < w * h; i++) out.set(rgb, head.length + i * 3);
  return out;
}

describe('image folders', () => {
  it('lists classes sorted, skips hidden and non-image files, reads and resizes every image', async () => {
    const root = path.join(dir, 'folder');
    await mkdir(path.join(root, 'red'), { recursive: true });
    await mkdir(path.join(root, 'blue'), { recursive: true });
    await mkdir(path.join(root, '.cache'), { recursive: true });
    await writeFile(path.join(root, 'red', 'a.png'), ppm(4, 2, [200, 10, 10]));
    await writeFile(path.join(root, 'red', 'b.png'), ppm(3, 3, [250, 0, 0]));
    await writeFile(path.join(root, 'red', 'notes.txt'), 'x');
    await writeFile(path.join(root, 'blue', 'c.jpg'), ppm(2, 2, [0, 0, 255]));
    const listing = await listImageFolder(root);
    expect(listing.classNames).toEqual(['blue', 'red']);
    expect(listing.samples.map((s) => [path.basename(s.file), s.label])).toEqual([['c.jpg', 0], ['a.png', 1], ['b.png', 1]]);
    const d = await readImageFolder(root, { size: 5, decode: decodePnm });
    expect(d).toMatchObject({ count: 3, height: 5, width: 5, channels: 3 });
    expect([...d.labels]).toEqual([0, 1, 1]);
    expect([...d.pixels.subarray(0, 3)]).toEqual([0, 0, 255]);
    expect([...d.pixels.subarray(75, 78)]).toEqual([200, 10, 10]);
    const gray = await readImageFolder(root, { size: 2, grayscale: true, decode: decodePnm });
    expect(gray.channels).toBe(1);
    expect(gray.pixels[0]).toBe(85);
  });

  it('names the folder or file that is wrong', async () => {
    const empty = path.join(dir, 'no-classes');
    await mkdir(empty, { recursive: true });
    await expect(listImageFolder(empty)).rejects.toThrow(/no-classes: has no class subfolders/);
    const lonely = path.join(dir, 'lonely');
    await mkdir(path.join(lonely, 'cat'), { recursive: true });
    await expect(listImageFolder(lonely)).rejects.toThrow(/class folder "cat" holds no image files/);
    const bad = path.join(dir, 'bad');
    await mkdir(path.join(bad, 'x'), { recursive: true });
    await writeFile(path.join(bad, 'x', 'broken.png'), 'not an image');
    await expect(readImageFolder(bad, { size: 4, decode: decodePnm })).rejects.toThrow(/broken\.png: cannot decode the image: not a P6 file/);
  });
});
